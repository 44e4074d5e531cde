"""Server configuration: one pydantic-settings class, read from `AUDIT_*` environment variables.

Built by the caller (CLI, tests) and handed to `create_app`; nothing reads it at import time."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from typing import Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_CHECKLIST_DIR = Path(__file__).resolve().parent.parent / "checklists"
MB = 1024 * 1024
# Debian's fonts-noto-cjk: the full face the PDF reports fall back to for characters the app's
# subset lacks (sync_server/pdf/fonts.py).
DEBIAN_NOTO_CJK = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


class Settings(BaseSettings):
    """Everything the server can be told. Environment names are the field names with `AUDIT_`."""

    model_config = SettingsConfigDict(env_prefix="AUDIT_", extra="forbid")

    # None means a SQLite file `audit.db` under `data_dir`; `postgresql+psycopg://…` selects PostgreSQL.
    database_url: str | None = None
    data_dir: Path = Path("./var")
    checklist_dir: Path = REPO_CHECKLIST_DIR
    max_photo_bytes: int = Field(default=15 * MB, gt=0)
    max_photo_pixels: int = Field(default=40_000_000, gt=0)
    # Every other request body (a visit is a few kB; this only stops abuse).
    max_request_bytes: int = Field(default=5 * MB, gt=0)
    sqlite_busy_timeout_ms: int = Field(default=10_000, ge=0)
    # The full Noto Sans CJK collection for PDF text outside the bundled subset; a path that
    # does not exist means "subset only" (missing characters are then drawn as [U+XXXX]).
    cjk_font: Path = DEBIAN_NOTO_CJK
    # Photos and thumbnails: on this node's disk (under data_dir) or in an S3-compatible bucket
    # that several nodes share (docs/scaling.md). Secrets are SecretStr: never in a repr or log.
    photo_store: Literal["local", "s3"] = "local"
    s3_bucket: str | None = None
    s3_endpoint_url: str | None = None  # None: AWS itself
    s3_region: str = "us-east-1"
    s3_access_key_id: SecretStr | None = None
    s3_secret_access_key: SecretStr | None = None

    @model_validator(mode="after")
    def _s3_needs_a_bucket(self) -> Settings:
        if self.photo_store == "s3" and not self.s3_bucket:
            raise ValueError("AUDIT_PHOTO_STORE=s3 needs AUDIT_S3_BUCKET")
        return self
    # Integrity flags on every stored revision and photo (docs/integrity.md); off only to
    # measure what they cost (bench/integrity.py).
    integrity_signals: bool = True

    @property
    def resolved_database_url(self) -> str:
        """The SQLAlchemy URL in use: the configured one or the SQLite default under data_dir."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'audit.db').resolve()}"

    @property
    def photo_dir(self) -> Path:
        return self.data_dir / "photos"


def settings_from_env(environ: Mapping[str, str]) -> Settings:
    """Settings from an explicit environment mapping (tests pass a dict, the CLI os.environ).

    Only `AUDIT_*` keys are read; an unknown `AUDIT_*` key is an error, not silently ignored."""
    prefix = "AUDIT_"
    values = {key[len(prefix):].lower(): value for key, value in environ.items()
              if key.startswith(prefix) and value != ""}
    return Settings.model_validate(values)  # type: ignore[no-any-return]
