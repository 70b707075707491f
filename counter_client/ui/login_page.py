"""The login form: user name, password, and why a login was refused."""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QFrame, QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from counter_client.device_presence import Presence
from counter_client.shift import CounterShift
from counter_client.texts import tr
from shared.qt_widgets import label, restyle


class LoginPage(QWidget):
    """The login form, shown while no officer is logged in; it also says when a login was
    refused and why."""

    def __init__(self, shift: CounterShift) -> None:
        super().__init__()
        self.shift = shift
        self.setObjectName("page")
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        panel = QFrame()
        panel.setObjectName("card")
        panel.setFixedWidth(420)
        form = QVBoxLayout(panel)
        form.setContentsMargins(32, 28, 32, 28)
        form.setSpacing(10)
        self.title = label("", "loginTitle")
        self.subtitle = label("", "pageSubtitle")
        self.user_caption = label("", "cardTitle")
        self.username = QLineEdit(shift.config.username)
        self.username.setObjectName("username")
        self.password_caption = label("", "cardTitle")
        self.password = QLineEdit()
        self.password.setObjectName("password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.submit = QPushButton()
        self.submit.setObjectName("primary")
        self.submit.setCursor(Qt.CursorShape.PointingHandCursor)
        self.message = label("", "loginError", wrap=True)
        self.server = label("", "hint", wrap=True)
        form.addWidget(self.title)
        form.addWidget(self.subtitle)
        form.addSpacing(8)
        for widget in (self.user_caption, self.username, self.password_caption, self.password):
            form.addWidget(widget)
        form.addSpacing(6)
        form.addWidget(self.submit)
        form.addWidget(self.message)
        form.addSpacing(4)
        form.addWidget(self.server)
        row.addWidget(panel)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)
        self.submit.clicked.connect(self._submit)
        self.username.returnPressed.connect(self.password.setFocus)
        self.password.returnPressed.connect(self._submit)

    def _submit(self) -> None:
        if self.shift.login(self.username.text(), self.password.text()):
            self.password.clear()

    def refresh(self) -> None:
        shift, lang = self.shift, self.shift.language
        self.title.setText(tr("app.title", lang))
        self.subtitle.setText(tr("login.title", lang))
        self.user_caption.setText(tr("login.username", lang))
        self.password_caption.setText(tr("login.password", lang))
        busy = shift.logging_in
        self.submit.setText(tr("login.checking" if busy else "login.submit", lang))
        self.submit.setEnabled(not busy)
        message = shift.message
        self.message.setVisible(message is not None)
        if message is not None:
            self.message.setText(message.text)
            restyle(self.message, "loginError" if message.error else "loginInfo")
        server = tr("login.server", lang, url=shift.config.server_url)
        if shift.device is Presence.REFUSED:
            server = f"{server}\n{tr('device.refused', lang)}"
        self.server.setText(server)

    def focus(self) -> None:
        """When the page comes up: the first empty field takes the typing."""
        (self.password if self.username.text() else self.username).setFocus()
