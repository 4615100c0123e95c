"""Rating faces drawn with QPainter: the tablets have no emoji font, and a drawing scales to
any screen."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPainterPath, QPen, QPixmap

FACE_COLOURS: dict[str, str] = {
    "laugh": "#1E8E3E",
    "smile": "#7CB342",
    "neutral": "#F9A825",
    "frown": "#D32F2F",
}
INK = QColor("#1A1A1A")


def face_colour(face: str) -> str:
    return FACE_COLOURS.get(face, FACE_COLOURS["neutral"])


def face_pixmap(face: str, size: int) -> QPixmap:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    s = float(size)
    line = max(2.0, s * 0.045)
    painter.setPen(QPen(INK, line))
    painter.setBrush(QBrush(QColor(face_colour(face))))
    painter.drawEllipse(QRectF(line, line, s - 2 * line, s - 2 * line))

    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QBrush(INK))
    eye = s * 0.065
    for x in (0.35, 0.65):
        painter.drawEllipse(QPointF(s * x, s * 0.38), eye, eye * 1.2)

    mouth = QPen(INK, line * 1.2, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap)
    painter.setPen(mouth)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    if face == "laugh":
        mouth_box = QRectF(s * 0.27, s * 0.40, s * 0.46, s * 0.36)
        path = QPainterPath()
        path.arcMoveTo(mouth_box, 180)
        path.arcTo(mouth_box, 180, 180)
        path.closeSubpath()
        painter.setBrush(QBrush(INK))
        painter.drawPath(path)
    elif face == "smile":
        painter.drawArc(QRectF(s * 0.30, s * 0.42, s * 0.40, s * 0.30), 200 * 16, 140 * 16)
    elif face == "frown":
        painter.drawArc(QRectF(s * 0.30, s * 0.62, s * 0.40, s * 0.30), 20 * 16, 140 * 16)
    else:
        painter.drawLine(QPointF(s * 0.33, s * 0.68), QPointF(s * 0.67, s * 0.68))
    painter.end()
    return pixmap
