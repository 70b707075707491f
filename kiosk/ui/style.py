"""Sizes and colours for a public touch screen read from a metre away."""

from __future__ import annotations

BACKGROUND = "#F4F6FA"
INK = "#14213D"
MUTED = "#4A5568"
BRAND = "#0B5394"
DANGER = "#B3261E"

STYLESHEET = f"""
QWidget {{ background: {BACKGROUND}; color: {INK}; font-family: "DejaVu Sans", sans-serif; }}
QLabel#title {{ font-size: 56px; font-weight: 700; }}
QLabel#subtitle {{ font-size: 30px; color: {MUTED}; }}
QLabel#header {{ font-size: 30px; font-weight: 700; color: white; background: {BRAND}; }}
QLabel#clock {{ font-size: 26px; color: white; background: {BRAND}; }}
QWidget#headerBar {{ background: {BRAND}; }}
QPushButton {{ font-size: 28px; border-radius: 18px; padding: 18px; }}
QPushButton#primary {{ background: {BRAND}; color: white; font-size: 44px; font-weight: 700;
    padding: 36px 80px; }}
QPushButton#nav {{ background: white; color: {INK}; border: 2px solid #CBD5E1; font-size: 26px;
    padding: 14px 28px; }}
QPushButton#lang {{ background: white; color: {BRAND}; font-size: 22px; padding: 10px 22px; }}
QPushButton#service {{ background: white; border: 3px solid #CBD5E1; text-align: left;
    padding: 22px 30px; font-size: 30px; }}
QPushButton#service:disabled {{ background: #E2E8F0; color: #64748B; }}
QPushButton#priority {{ background: white; border: 3px solid #CBD5E1; font-size: 32px;
    padding: 26px; }}
QLabel#number {{ font-size: 200px; font-weight: 800; color: {BRAND}; }}
QLabel#info {{ font-size: 34px; }}
QLabel#warning {{ font-size: 30px; color: {DANGER}; font-weight: 700; }}
"""


def tile_style(colour: str) -> str:
    """An agency tile in the agency's own colour (white text; colours are chosen dark enough)."""
    return (
        f"QPushButton {{ background: {colour}; color: white; border-radius: 18px;"
        " font-size: 26px; font-weight: 700; padding: 10px; }"
        f" QPushButton:pressed {{ background: {INK}; }}"
    )
