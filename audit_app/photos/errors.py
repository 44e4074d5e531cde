"""Why a photo was refused or could not be stored, in English and Chinese (zh-CN).

Each kind of failure has a stable `code` (for logs, tests and the sync client) and a message in
both languages for the person holding the phone."""

from __future__ import annotations

import errno

# code → (English, Chinese); `{...}` fields are filled from the keyword arguments of the error.
REJECTION_MESSAGES: dict[str, tuple[str, str]] = {
    "empty": (
        "The photo is empty.",
        "照片内容为空。",
    ),
    "too_many_bytes": (
        "The photo file is {size_mb:.1f} MB; the limit is {limit_mb:.0f} MB.",
        "照片文件为 {size_mb:.1f} MB，上限为 {limit_mb:.0f} MB。",
    ),
    "unsupported_format": (
        "The file is not a JPEG or PNG image. Only JPEG and PNG photos are accepted.",
        "该文件不是 JPEG 或 PNG 图片。仅接受 JPEG 和 PNG 格式的照片。",
    ),
    "too_many_pixels": (
        "The image is too large ({megapixels} megapixels); the limit is {limit_mp} megapixels.",
        "图片尺寸过大（{megapixels} 百万像素），上限为 {limit_mp} 百万像素。",
    ),
    "corrupt": (
        "The image could not be read; the file may be damaged or incomplete.",
        "无法读取该图片，文件可能已损坏或不完整。",
    ),
}

STORE_MESSAGES: dict[str, tuple[str, str]] = {
    "write_failed": (
        "The photo could not be saved on this device ({reason}). Nothing was changed; "
        "free some space and try again.",
        "无法在本设备上保存照片（{reason_zh}）。未做任何更改；请释放存储空间后重试。",
    ),
}


# Why a photo write failed, in Chinese words (the English reason is the system's own text).
_ERRNO_ZH = {errno.ENOSPC: "存储空间已满", errno.EDQUOT: "存储配额已用完", errno.EROFS: "存储为只读",
             errno.EACCES: "没有写入权限", errno.EIO: "存储读写出错"}


def write_reason_zh(error: OSError) -> str:
    return _ERRNO_ZH.get(error.errno or 0, "系统拒绝了写入")


class PhotoRejected(ValueError):
    """The bytes handed in are not a photo we accept (wrong format, too big, damaged)."""

    def __init__(self, code: str, **fields: object) -> None:
        english, chinese = REJECTION_MESSAGES[code]
        self.code = code
        self.message_en = english.format(**fields)
        self.message_zh = chinese.format(**fields)
        super().__init__(f"{code}: {self.message_en}")


class PhotoStoreError(OSError):
    """A photo could not be written to the device (full disk, I/O error); nothing was stored."""

    def __init__(self, code: str, **fields: object) -> None:
        english, chinese = STORE_MESSAGES[code]
        self.code = code
        self.message_en = english.format(**fields)
        self.message_zh = chinese.format(**fields)
        super().__init__(f"{code}: {self.message_en}")
