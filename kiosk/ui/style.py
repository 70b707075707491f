"""Sizes and colours for a public touch screen read from a metre away."""

from __future__ import annotations

BACKGROUND = "#F4F6FA"
INK = "#14213D"
MUTED = "#4A5568"
BRAND = "#0B5394"
DANGER = "#B3261E"
LINE = "#CBD5E1"

STYLESHEET = f"""
QWidget {{ background: {BACKGROUND}; color: {INK}; font-family: "DejaVu Sans", sans-serif; }}
QLabel#title {{ font-size: 52px; font-weight: 700; }}
QLabel#welcomeSite {{ font-size: 60px; font-weight: 800; color: {BRAND}; }}
QLabel#welcomeClock {{ font-size: 36px; color: {MUTED}; }}
QLabel#subtitle {{ font-size: 30px; color: {MUTED}; }}
QLabel#header {{ font-size: 30px; font-weight: 700; color: white; background: {BRAND}; }}
QLabel#clock {{ font-size: 26px; color: white; background: {BRAND}; }}
QLabel#corner {{ background: {BRAND}; }}
QWidget#headerBar {{ background: {BRAND}; }}
QPushButton {{ font-size: 28px; border-radius: 18px; padding: 18px; }}
QPushButton#primary {{ background: {BRAND}; color: white; font-size: 44px; font-weight: 700;
    padding: 32px 80px; }}
QPushButton#primary:pressed {{ background: {INK}; }}
QPushButton#nav {{ background: white; color: {INK}; border: 2px solid {LINE}; font-size: 28px;
    padding: 16px 30px; }}
QPushButton#lang {{ background: white; color: {BRAND}; font-size: 24px; font-weight: 700;
    padding: 12px 26px; }}
QPushButton#service {{ background: white; border: 3px solid {LINE}; }}
QPushButton#service:pressed {{ background: #DCE6F2; }}
QPushButton#service:disabled {{ background: #E2E8F0; border-color: #E2E8F0; }}
QLabel#serviceName {{ background: transparent; font-size: 30px; font-weight: 700; }}
QLabel#serviceDetail {{ background: transparent; font-size: 25px; color: {MUTED}; }}
QLabel#serviceClosed {{ background: transparent; font-size: 25px; color: {DANGER};
    font-weight: 700; }}
QPushButton#info {{ background: white; color: {BRAND}; border: 3px solid {BRAND};
    font-size: 24px; font-weight: 700; padding: 10px 18px; }}
QPushButton#priority {{ background: white; border: 3px solid {LINE}; font-size: 34px;
    font-weight: 700; padding: 26px; }}
QPushButton#priority:pressed {{ background: #DCE6F2; }}
QLabel#number {{ font-size: 200px; font-weight: 800; color: {BRAND}; }}
QLabel#info {{ font-size: 34px; }}
QLabel#priorityMark {{ font-size: 32px; font-weight: 700; color: white; background: {INK};
    border-radius: 10px; padding: 6px 22px; }}
QLabel#standardHead {{ font-size: 30px; font-weight: 700; color: {BRAND}; }}
QLabel#standardText {{ font-size: 30px; }}
QLabel#warning {{ font-size: 32px; color: {DANGER}; font-weight: 700; }}
QLabel#ticketCaption {{ font-size: 24px; color: {MUTED}; }}
QLabel#ticketPicture {{ background: white; border: 2px solid {LINE}; }}
QWidget#pinOverlay {{ background: rgba(20, 33, 61, 200); }}
QWidget#pinPanel {{ background: white; border-radius: 24px; }}
QLabel#pinTitle {{ background: white; font-size: 30px; font-weight: 700; }}
QLabel#pinDigits {{ background: white; font-size: 48px; letter-spacing: 8px; }}
QLabel#pinMessage {{ background: white; font-size: 28px; color: {DANGER}; font-weight: 700; }}
QPushButton#pinKey {{ background: #E8EEF6; font-size: 36px; font-weight: 700; }}
QPushButton#pinCancel {{ background: white; border: 2px solid {LINE}; font-size: 28px; }}
"""


def tile_style(colour: str, closed: bool = False, name_px: int = 27) -> str:
    """An agency tile in the agency's own colour (white text; colours are chosen dark enough).
    A tile whose services are all closed is drawn faded, but still opens: the visitor
    learns when it opens."""
    background = blend(colour, "#94A3B8", 0.6) if closed else colour
    return (
        f"QPushButton {{ background: {background}; border-radius: 18px; padding: 8px; }}"
        f" QPushButton:pressed {{ background: {INK}; }}"
        " QLabel { background: transparent; color: white; }"
        f" QLabel#tileName {{ font-size: {name_px}px; font-weight: 700; }}"
        " QLabel#tileCount { font-size: 23px; }"
    )


def blend(colour: str, other: str, share: float) -> str:
    """``colour`` mixed with ``share`` of ``other`` (both ``#RRGGBB``)."""
    a = [int(colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)]
    b = [int(other.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)]
    return "#" + "".join(
        f"{round(x * (1 - share) + y * share):02X}" for x, y in zip(a, b, strict=True)
    )
