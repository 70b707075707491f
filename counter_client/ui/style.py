"""Colours and sizes of a desk tool read at arm's length, in the hall's blue (as the kiosk)."""

from __future__ import annotations

BACKGROUND = "#EEF2F7"
PANEL = "#FFFFFF"
INK = "#14213D"
MUTED = "#526070"
BRAND = "#0B5394"
BRAND_DARK = "#083D6E"
LINE = "#D5DDE8"
DANGER = "#B3261E"
DANGER_BG = "#FCE8E6"
INFO_BG = "#E3EEF9"
WARN = "#8A5300"
WARN_BG = "#FFF1D6"
OK = "#1E7B34"
PRIORITY = "#B45309"
BOOKING = "#6B3FA0"  # online bookings: neither the hall's blue nor the priority amber

STYLESHEET = f"""
QWidget {{ color: {INK}; font-family: "DejaVu Sans", sans-serif; font-size: 14px; }}
QMainWindow, QWidget#page, QDialog {{ background: {BACKGROUND}; }}
QWidget#header {{ background: {BRAND}; }}
QLabel#headerTitle {{ color: white; font-size: 18px; font-weight: 700; }}
QLabel#headerOfficer {{ color: white; font-size: 13px; }}
QPushButton#headerButton {{ background: transparent; color: white; border: 1px solid #6F9BC8;
    border-radius: 6px; padding: 5px 12px; font-size: 13px; }}
QPushButton#headerButton:hover {{ background: {BRAND_DARK}; }}
QLabel#online {{ background: #DDF3E2; color: {OK}; border-radius: 10px; padding: 2px 10px;
    font-size: 12px; font-weight: 700; }}
QLabel#offline {{ background: {DANGER_BG}; color: {DANGER}; border-radius: 10px;
    padding: 2px 10px; font-size: 12px; font-weight: 700; }}
QLabel#bannerInfo {{ background: {INFO_BG}; color: {BRAND_DARK}; padding: 8px 14px;
    font-size: 14px; border-bottom: 1px solid {LINE}; }}
QLabel#bannerError {{ background: {DANGER_BG}; color: {DANGER}; padding: 8px 14px;
    font-size: 14px; font-weight: 700; border-bottom: 1px solid #F2B8B5; }}
QLabel#bannerOffline {{ background: {WARN_BG}; color: {WARN}; padding: 8px 14px;
    font-size: 14px; font-weight: 700; border-bottom: 1px solid #F0C36D; }}
QFrame#card {{ background: {PANEL}; border: 1px solid {LINE}; border-radius: 10px; }}
QLabel#cardTitle {{ font-size: 13px; font-weight: 700; color: {MUTED}; }}
QLabel#bigNumber {{ font-size: 84px; font-weight: 800; color: {BRAND}; }}
QLabel#noNumber {{ font-size: 26px; font-weight: 700; color: {MUTED}; }}
QLabel#hint {{ font-size: 14px; color: {MUTED}; }}
QLabel#serviceName {{ font-size: 19px; font-weight: 700; }}
QLabel#agencyName {{ font-size: 14px; color: {MUTED}; }}
QLabel#priorityBadge {{ background: {PRIORITY}; color: white; border-radius: 6px;
    padding: 4px 10px; font-size: 14px; font-weight: 800; }}
QLabel#sentBadge {{ background: {INFO_BG}; color: {BRAND_DARK}; border-radius: 6px;
    padding: 4px 10px; font-size: 13px; font-weight: 700; }}
QLabel#stateCalled {{ background: {WARN_BG}; color: {WARN}; border-radius: 6px;
    padding: 4px 10px; font-size: 15px; font-weight: 700; }}
QLabel#stateServing {{ background: #DDF3E2; color: {OK}; border-radius: 6px;
    padding: 4px 10px; font-size: 15px; font-weight: 700; }}
QLabel#counterOpen {{ background: #DDF3E2; color: {OK}; border-radius: 6px; padding: 3px 10px;
    font-size: 13px; font-weight: 700; }}
QLabel#counterPaused {{ background: {WARN_BG}; color: {WARN}; border-radius: 6px;
    padding: 3px 10px; font-size: 13px; font-weight: 700; }}
QLabel#counterClosed {{ background: #E5E7EB; color: {MUTED}; border-radius: 6px;
    padding: 3px 10px; font-size: 13px; font-weight: 700; }}
QLabel#timeCaption {{ font-size: 12px; color: {MUTED}; }}
QLabel#timeValue {{ font-size: 26px; font-weight: 700; }}
QLabel#statValue {{ font-size: 22px; font-weight: 700; }}
QLabel#summary {{ font-size: 15px; font-weight: 700; }}
QLabel#chips {{ font-size: 13px; color: {MUTED}; }}
QPushButton#action {{ background: {PANEL}; border: 1px solid #B8C4D4; border-radius: 8px; }}
QPushButton#action:hover {{ border-color: {BRAND}; }}
QPushButton#action:pressed {{ background: {INFO_BG}; }}
QPushButton#action:disabled {{ background: #F1F4F8; border-color: #E1E6EE; }}
QPushButton#primaryAction {{ background: {BRAND}; border: 1px solid {BRAND_DARK};
    border-radius: 8px; }}
QPushButton#primaryAction:hover {{ background: {BRAND_DARK}; }}
QPushButton#primaryAction:disabled {{ background: #9DB5CF; border-color: #9DB5CF; }}
QLabel#actionName {{ background: transparent; font-size: 16px; font-weight: 700; }}
QLabel#actionNameOff {{ background: transparent; font-size: 16px; font-weight: 700;
    color: #9AA5B4; }}
QLabel#actionNamePrimary {{ background: transparent; font-size: 18px; font-weight: 800;
    color: white; }}
QLabel#actionName[small="true"], QLabel#actionNameOff[small="true"],
    QLabel#actionNamePrimary[small="true"] {{ font-size: 14px; }}
QLabel#keyBadge {{ background: #E7ECF3; color: {INK}; border: 1px solid #C5CFDC;
    border-radius: 4px; padding: 1px 6px; font-size: 12px; font-weight: 700;
    font-family: "DejaVu Sans Mono", monospace; }}
QLabel#keyBadgeOff {{ background: #F1F4F8; color: #A5AFBD; border: 1px solid #E1E6EE;
    border-radius: 4px; padding: 1px 6px; font-size: 12px; font-weight: 700;
    font-family: "DejaVu Sans Mono", monospace; }}
QLabel#keyBadgePrimary {{ background: {BRAND_DARK}; color: white; border: 1px solid #5D8CC0;
    border-radius: 4px; padding: 1px 6px; font-size: 12px; font-weight: 700;
    font-family: "DejaVu Sans Mono", monospace; }}
QTableWidget {{ background: {PANEL}; border: none; gridline-color: #EEF1F5;
    selection-background-color: #CFE0F3; selection-color: {INK}; font-size: 14px; }}
QHeaderView::section {{ background: #F5F7FA; color: {MUTED}; border: none;
    border-bottom: 1px solid {LINE}; padding: 6px 8px; font-size: 12px; font-weight: 700; }}
QListWidget {{ background: {PANEL}; border: none; font-size: 14px; }}
QTreeWidget {{ background: {PANEL}; border: 1px solid {LINE}; font-size: 14px; }}
QTreeWidget::item {{ padding: 3px 2px; }}
QTreeWidget::item:selected {{ background: #CFE0F3; color: {INK}; }}
QTabBar::tab {{ padding: 6px 14px; font-size: 14px; }}
QTabBar::tab:selected {{ font-weight: 700; }}
QListWidget::item:selected {{ background: #CFE0F3; color: {INK}; }}
QLineEdit {{ background: white; border: 1px solid #B8C4D4; border-radius: 6px; padding: 8px;
    font-size: 16px; }}
QLineEdit:focus {{ border-color: {BRAND}; }}
QPushButton#primary {{ background: {BRAND}; color: white; border: none; border-radius: 6px;
    padding: 10px 22px; font-size: 16px; font-weight: 700; }}
QPushButton#primary:disabled {{ background: #9DB5CF; }}
QPushButton#danger {{ background: {DANGER}; color: white; border: none; border-radius: 6px;
    padding: 10px 22px; font-size: 16px; font-weight: 700; }}
QLabel#dialogText {{ font-size: 15px; }}
QLabel#dialogWarning {{ background: {WARN_BG}; color: {WARN}; border: 1px solid #F0C36D;
    border-radius: 6px; padding: 8px 12px; font-size: 14px; font-weight: 700; }}
QLabel#dialogNote {{ background: {INFO_BG}; color: {BRAND_DARK}; border-radius: 6px;
    padding: 8px 12px; font-size: 14px; }}
QPushButton#secondary {{ background: white; color: {BRAND}; border: 1px solid {BRAND};
    border-radius: 6px; padding: 8px 16px; font-size: 14px; font-weight: 700; }}
QPushButton#secondary:disabled {{ color: #9AA5B4; border-color: #D5DDE8; }}
QLabel#loginTitle {{ font-size: 24px; font-weight: 800; color: {BRAND}; }}
QLabel#loginError {{ color: {DANGER}; font-size: 14px; font-weight: 700; }}
QLabel#loginInfo {{ color: {BRAND_DARK}; font-size: 14px; }}
QLabel#pageTitle {{ font-size: 22px; font-weight: 800; }}
QLabel#pageSubtitle {{ font-size: 15px; color: {MUTED}; }}
QLabel#counterLabel {{ font-size: 20px; font-weight: 800; }}
QWidget#strip {{ background: {PANEL}; }}
QLabel#stripNumber {{ font-size: 30px; font-weight: 800; color: {BRAND}; }}
QLabel#stripDetail {{ font-size: 12px; color: {MUTED}; }}
QLabel#stripError {{ background: {DANGER_BG}; color: {DANGER}; border-radius: 4px;
    padding: 3px 8px; font-size: 12px; font-weight: 700; }}
QLabel#stripInfo {{ background: {INFO_BG}; color: {BRAND_DARK}; border-radius: 4px;
    padding: 3px 8px; font-size: 12px; }}
QPushButton#stripExpand {{ background: white; color: {BRAND}; border: 1px solid {BRAND};
    border-radius: 8px; padding: 2px 8px; font-size: 12px; font-weight: 700; }}
"""
