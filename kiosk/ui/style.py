"""Sizes and colours for a public touch screen read from a metre away.

The sizes are the 1920x1080 design's, scaled to the screen (``ScreenMetrics``); text whose
room the layout decides (``FitLabel``: header, tiles, cards, the ticket number) gets its
size from the code, so its rules here carry colour and weight only.
"""

from __future__ import annotations

from kiosk.screen_metrics import ScreenMetrics

BACKGROUND = "#F4F6FA"
INK = "#14213D"
MUTED = "#4A5568"
BRAND = "#0B5394"
DANGER = "#B3261E"
LINE = "#CBD5E1"


def stylesheet(m: ScreenMetrics) -> str:
    """The kiosk's stylesheet for one screen."""
    f, p = m.font, m.px
    return f"""
QWidget {{ background: {BACKGROUND}; color: {INK}; font-family: "DejaVu Sans", sans-serif; }}
QLabel#title {{ font-size: {f(52)}px; font-weight: 700; }}
QLabel#heading {{ font-weight: 700; }}
QLabel#welcomeSite {{ font-size: {f(60)}px; font-weight: 800; color: {BRAND}; }}
QLabel#welcomeClock {{ font-size: {f(36)}px; color: {MUTED}; }}
QLabel#subtitle {{ font-size: {f(30)}px; color: {MUTED}; }}
QLabel#header {{ font-weight: 700; color: white; background: {BRAND}; }}
QLabel#clock {{ font-size: {f(26)}px; color: white; background: {BRAND}; }}
QLabel#corner {{ background: {BRAND}; }}
QWidget#headerBar {{ background: {BRAND}; }}
QPushButton {{ font-size: {f(28)}px; border-radius: {p(18)}px; padding: {p(18)}px; }}
QPushButton#primary {{ background: {BRAND}; color: white; font-size: {f(44)}px; font-weight: 700;
    padding: {p(24)}px {p(80)}px; }}
QPushButton#primary:pressed {{ background: {INK}; }}
QPushButton#nav {{ background: white; color: {INK}; border: 2px solid {LINE};
    font-size: {f(28)}px; padding: {p(12)}px {p(30)}px; }}
QPushButton#nav:pressed {{ background: #DCE6F2; }}
QPushButton#lang {{ background: white; color: {BRAND}; font-size: {f(24)}px; font-weight: 700;
    padding: {p(8)}px {p(26)}px; }}
QPushButton#lang:pressed {{ background: #DCE6F2; }}
QPushButton#service {{ background: white; border: 3px solid {LINE}; padding: 0px; }}
QPushButton#service:pressed {{ background: #DCE6F2; }}
QPushButton#service:disabled {{ background: #E2E8F0; border-color: #E2E8F0; }}
QLabel#serviceName {{ background: transparent; font-weight: 700; }}
QLabel#serviceDetail {{ background: transparent; color: {MUTED}; }}
QLabel#serviceClosed {{ background: transparent; color: {DANGER}; font-weight: 700; }}
QPushButton#info {{ background: white; color: {BRAND}; border: 3px solid {BRAND};
    font-size: {f(24)}px; font-weight: 700; padding: {p(10)}px {p(18)}px; }}
QPushButton#info:pressed {{ background: #DCE6F2; }}
QPushButton#answer {{ background: white; border: 3px solid {LINE}; padding: 0px; }}
QPushButton#answer:pressed {{ background: #DCE6F2; border-color: {BRAND}; }}
QLabel#answerText {{ background: transparent; font-weight: 700; }}
QLabel#number {{ font-weight: 800; color: {BRAND}; }}
QLabel#info {{ font-size: {f(34)}px; }}
QLabel#priorityMark {{ font-size: {f(32)}px; font-weight: 700; color: white; background: {INK};
    border-radius: {p(10)}px; padding: {p(6)}px {p(22)}px; }}
QLabel#standardHead {{ font-size: {f(30)}px; font-weight: 700; color: {BRAND}; }}
QLabel#standardText {{ font-size: {f(30)}px; }}
QLabel#warning {{ font-size: {f(32)}px; color: {DANGER}; font-weight: 700; }}
QLabel#ticketCaption {{ font-size: {f(24)}px; color: {MUTED}; }}
QLabel#ticketPicture {{ background: white; border: 2px solid {LINE}; }}
QWidget#pinOverlay {{ background: rgba(20, 33, 61, 200); }}
QWidget#pinPanel {{ background: white; border-radius: {p(24)}px; }}
QLabel#pinTitle {{ background: white; font-size: {f(30)}px; font-weight: 700; }}
QLabel#pinDigits {{ background: white; font-size: {f(48)}px; letter-spacing: 8px; }}
QLabel#pinMessage {{ background: white; font-size: {f(28)}px; color: {DANGER};
    font-weight: 700; }}
QPushButton#pinKey {{ background: #E8EEF6; font-size: {f(36)}px; font-weight: 700;
    padding: {p(8)}px; }}
QPushButton#pinWord {{ background: #E8EEF6; font-size: {f(26)}px; font-weight: 700;
    padding: {p(8)}px; }}
QPushButton#pinCancel {{ background: white; border: 2px solid {LINE}; font-size: {f(28)}px;
    padding: {p(8)}px; }}
QPushButton#booked {{ background: white; color: {BRAND}; border: 3px solid {BRAND};
    font-size: {f(34)}px; font-weight: 700; padding: {p(18)}px {p(48)}px; }}
QPushButton#booked:pressed {{ background: #DCE6F2; }}
QLabel#codeEntry {{ font-family: "DejaVu Sans Mono", monospace; font-size: {f(88)}px;
    font-weight: 700; color: {BRAND}; letter-spacing: {p(6)}px; }}
QPushButton#codeKey {{ background: white; border: 2px solid {LINE}; font-size: {f(44)}px;
    font-weight: 700; padding: {p(4)}px; }}
QPushButton#codeKey:pressed {{ background: #DCE6F2; }}
QPushButton#codeWord {{ background: white; border: 2px solid {LINE}; font-size: {f(32)}px;
    font-weight: 700; padding: {p(4)}px; }}
QPushButton#codeWord:pressed {{ background: #DCE6F2; }}
QLabel#resultNumber {{ font-size: {f(120)}px; font-weight: 800; color: {BRAND}; }}
"""


def tile_style(colour: str, closed: bool = False) -> str:
    """An agency tile in the agency's own colour (white text; colours are chosen dark enough).
    A tile whose services are all closed is drawn faded, but still opens: the visitor
    learns when it opens."""
    background = blend(colour, "#94A3B8", 0.6) if closed else colour
    return (
        f"QPushButton {{ background: {background}; border-radius: 18px; padding: 0px; }}"
        f" QPushButton:pressed {{ background: {INK}; }}"
        " QLabel { background: transparent; color: white; }"
        " QLabel#tileName { font-weight: 700; }"
    )


def blend(colour: str, other: str, share: float) -> str:
    """``colour`` mixed with ``share`` of ``other`` (both ``#RRGGBB``)."""
    a = [int(colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)]
    b = [int(other.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4)]
    return "#" + "".join(
        f"{round(x * (1 - share) + y * share):02X}" for x, y in zip(a, b, strict=True)
    )
