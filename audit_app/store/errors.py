"""Errors the store raises, each with a stable `code` and a message in English and Chinese.

The UI shows `message_en` or `message_zh` as they are; `code` is for logs and tests. `str(error)`
is the English message so tracebacks stay readable."""

from __future__ import annotations

import errno as errno_codes

from audit_app.domain import Problem


class StoreError(Exception):
    """Base of every store error: a stable code and a bilingual message for the user."""

    code = "store_error"

    def __init__(self, message_en: str, message_zh: str):
        super().__init__(message_en)
        self.message_en = message_en
        self.message_zh = message_zh

    def message(self, lang: str) -> str:
        """The message in `lang` ("zh" for Chinese, anything else English)."""
        return self.message_zh if lang.startswith("zh") else self.message_en


# Why a write failed, in words a shopper can act on.
_ERRNO_WORDS: dict[int, tuple[str, str]] = {
    errno_codes.ENOSPC: ("the phone's storage is full", "手机存储空间已满"),
    errno_codes.EDQUOT: ("the storage quota is used up", "存储配额已用完"),
    errno_codes.EROFS: ("the storage is read-only", "存储为只读"),
    errno_codes.EACCES: ("permission was refused", "没有写入权限"),
    errno_codes.EIO: ("the storage reported an input/output error", "存储读写出错"),
}


class StoreWriteError(StoreError):
    """A save did not reach the disk; everything saved before it is still intact."""

    code = "store_write_failed"

    def __init__(self, step: str, file_name: str, error: OSError):
        self.step = step
        self.file_name = file_name
        self.errno = error.errno
        name = errno_codes.errorcode.get(error.errno or 0, "unknown error")
        en, zh = _ERRNO_WORDS.get(error.errno or 0, (f"the system refused ({name})", "系统拒绝了操作"))
        super().__init__(
            f"Could not save: {en} ({name}) while {step} {file_name}. Earlier answers are safe.",
            f"无法保存：{zh}。之前保存的内容不受影响。",   # the step and file are for the log
        )


class StoreCorruptError(StoreError):
    """A store file exists but is not valid JSON (it is left untouched for inspection)."""

    code = "store_corrupt"

    def __init__(self, file_name: str, detail: str):
        self.file_name = file_name
        super().__init__(f"The saved data in {file_name} cannot be read: {detail}",
                         "无法读取本机保存的数据：文件已损坏。")


class VisitNotFound(StoreError):
    code = "visit_not_found"

    def __init__(self, visit_id: str):
        self.visit_id = visit_id
        super().__init__(f"Visit {visit_id} is not on this phone.", "本机没有这次访问的记录。")


# A visit's state as the Chinese message names it (the same words as the app's catalogue).
_STATE_ZH = {"draft": "草稿", "finalised": "等待同步", "synced": "已同步", "conflict": "冲突", "rejected": "被拒绝"}


class WrongState(StoreError):
    """The operation does not apply to the visit in its current state."""

    code = "wrong_state"

    def __init__(self, visit_id: str, action_en: str, action_zh: str, state: str):
        self.visit_id = visit_id
        self.state = state
        super().__init__(f"Cannot {action_en}: visit {visit_id} is {state}.",
                         f"无法{action_zh}：这次访问的状态为“{_STATE_ZH.get(state, '其他')}”。")


class InvalidAnswer(StoreError):
    """An answer that does not fit its checklist item; nothing was saved."""

    code = "invalid_answer"

    def __init__(self, item_key: str, reason: str, reason_zh: str | None = None):
        self.item_key = item_key
        super().__init__(f"{item_key}: {reason}", f"答案无效：{reason_zh}。" if reason_zh else "答案无效。")


class FinaliseRefused(StoreError):
    """The visit is not complete; `problems` lists every reason (the domain's `Problem`s)."""

    code = "finalise_refused"

    def __init__(self, visit_id: str, problems: list[Problem]):
        self.visit_id = visit_id
        self.problems = problems
        lines = "\n".join(f"- {p.message}" for p in problems)
        lines_zh = "\n".join(f"- {p.message_zh}" for p in problems)
        super().__init__(f"The visit cannot be finalised yet ({len(problems)} problems):\n{lines}",
                         f"访问尚不能提交（共 {len(problems)} 个问题）：\n{lines_zh}")


class ChecklistNotFound(StoreError):
    code = "checklist_not_found"

    def __init__(self, checklist_id: str, version: int):
        self.checklist_id = checklist_id
        self.version = version
        super().__init__(f"Checklist {checklist_id} version {version} is not on this phone.",
                         f"本机没有这个检查表的第 {version} 版。")
