"""Qt's own words in the console's dialogs (Save, the calendar), in Vietnamese.

Qt ships no Vietnamese translation of its widgets (`qtbase_vi.qm`): one that a later Qt or the
system provides is loaded; the file dialog's words the console uses are given here otherwise.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

# (Qt's context, Qt's English) -> Vietnamese: what the Save dialog and its questions show.
WORDS: dict[tuple[str, str], str] = {
    ("QFileDialog", "&Look in:"): "&Thư mục:",
    ("QFileDialog", "File &name:"): "&Tên tệp:",
    ("QFileDialog", "Files of &type:"): "&Kiểu tệp:",
    ("QFileDialog", "&Save"): "&Lưu",
    ("QFileDialog", "&Open"): "&Mở",
    ("QFileDialog", "&Choose"): "&Chọn",
    ("QFileDialog", "&Delete"): "&Xóa",
    ("QFileDialog", "&Rename"): "Đổi &tên",
    ("QFileDialog", "&New Folder"): "Thư mục &mới",
    ("QFileDialog", "New Folder"): "Thư mục mới",
    ("QFileDialog", "Create New Folder"): "Tạo thư mục mới",
    ("QFileDialog", "Create a New Folder"): "Tạo một thư mục mới",
    ("QFileDialog", "Show &hidden files"): "Hiện tệp &ẩn",
    ("QFileDialog", "All Files (*)"): "Mọi tệp (*)",
    ("QFileDialog", "Back"): "Lùi",
    ("QFileDialog", "Forward"): "Tới",
    ("QFileDialog", "Go back"): "Quay lại",
    ("QFileDialog", "Go forward"): "Đi tới",
    ("QFileDialog", "Parent Directory"): "Thư mục cha",
    ("QFileDialog", "Go to the parent directory"): "Lên thư mục cha",
    ("QFileDialog", "List View"): "Dạng danh sách",
    ("QFileDialog", "Detail View"): "Dạng chi tiết",
    ("QFileDialog", "Change to list view mode"): "Xem dạng danh sách",
    ("QFileDialog", "Change to detail view mode"): "Xem dạng chi tiết",
    ("QFileDialog", "List of places and bookmarks"): "Các nơi và dấu trang",
    ("QFileDialog", "Sidebar"): "Thanh bên",
    ("QFileDialog", "Files"): "Tệp",
    ("QFileDialog", "Save As"): "Lưu thành",
    ("QFileDialog", "Open"): "Mở",
    ("QFileDialog", "%1 already exists.\nDo you want to replace it?"):
        "%1 đã có.\nCó ghi đè lên tệp đó không?",
    ("QFileDialog", "Are you sure you want to delete '%1'?"): "Có chắc muốn xóa '%1'?",
    ("QFileDialog", "%1\nDirectory not found.\nPlease verify the correct directory name "
                    "was given."): "%1\nKhông tìm thấy thư mục.\nHãy kiểm tra lại tên thư mục.",
    ("QFileSystemModel", "Name"): "Tên",
    ("QFileSystemModel", "Size"): "Kích thước",
    ("QFileSystemModel", "Type"): "Loại",
    ("QFileSystemModel", "Date Modified"): "Ngày sửa",
    ("QFileSystemModel", "Computer"): "Máy tính",
    ("QFileSystemModel", "My Computer"): "Máy tính",
    ("QAbstractFileIconProvider", "Folder"): "Thư mục",
    ("QAbstractFileIconProvider", "Drive"): "Ổ đĩa",
    ("QAbstractFileIconProvider", "File"): "Tệp",
    ("QPlatformTheme", "OK"): "Đồng ý",
    ("QPlatformTheme", "Save"): "Lưu",
    ("QPlatformTheme", "Open"): "Mở",
    ("QPlatformTheme", "Cancel"): "Hủy",
    ("QPlatformTheme", "&Yes"): "&Có",
    ("QPlatformTheme", "&No"): "&Không",
    ("QPlatformTheme", "Close"): "Đóng",
}


class ConsoleWords(QTranslator):
    """The table above as a translator: Qt asks it before falling back to its English."""

    def translate(self, context: str, source: str, disambiguation: str | None = None,
                  n: int = -1) -> str | None:
        return WORDS.get((context, source))  # None: not ours, Qt's English stays

    def isEmpty(self) -> bool:
        return False


class QtVietnamese:
    """Installs Qt's Vietnamese (its own .qm where there is one, else `ConsoleWords`) while
    the console speaks Vietnamese, and takes it out for English."""

    def __init__(self) -> None:
        self._installed: list[QTranslator] = []

    def set_lang(self, lang: str) -> None:
        app = QCoreApplication.instance()
        if app is None:
            return
        for translator in self._installed:
            app.removeTranslator(translator)
        self._installed = []
        if lang == "en":
            return
        shipped = QTranslator()
        if shipped.load(QLocale(QLocale.Language.Vietnamese), "qtbase", "_",
                        QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
            self._installed.append(shipped)
        self._installed.append(ConsoleWords())  # what a shipped file lacks, too
        # The one installed last is asked first: Qt's own file before the table.
        for translator in reversed(self._installed):
            app.installTranslator(translator)
