"""The one settings object. Read once at start-up (``Settings()``) and passed down.

Every field comes from an environment variable ``COPYDESK_<NAME>`` or from ``.env``;
Slack's own variables keep their ``SLACK_*`` names. No other module reads the environment.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from copydesk.redact import MASK, Redactor

Channel = Literal["generic", "amazon", "shopify"]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="COPYDESK_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
    )

    # --- storage -------------------------------------------------------------
    home: Path = Field(Path(".copydesk"), description="Folder for the Chroma store, SQLite state and model caches")
    chroma_host: str | None = Field(None, description="Chroma server host; unset means the embedded store under home")
    chroma_port: int = Field(8000, description="Chroma server port (with chroma_host)")
    collection_prefix: str = Field("copydesk", description="Prefix of the Chroma collection names")
    database_url: str | None = Field(
        None, description="SQLAlchemy URL of the state database, e.g. postgresql+psycopg://user@host/copydesk "
                          "(unset: SQLite under home)")

    # --- job queue (several replicas and workers) ----------------------------
    broker_url: str | None = Field(
        None, description="Celery broker, e.g. redis://host:6379/0: jobs go to `copydesk worker` processes "
                          "(unset: an in-process pool)")
    broker_prefix: str = Field("", description="Prefix of every broker key (several deployments on one Redis)")
    job_visibility_timeout_s: int = Field(
        120, ge=5, description="Seconds before a job a worker took but never acknowledged (the worker died) is "
                               "handed to another; a job still running then is not run twice")

    # --- embeddings ----------------------------------------------------------
    embedding_model: str = Field(
        "builtin:all-MiniLM-L6-v2",
        description="Sentence-transformers model: a local folder, or builtin:all-MiniLM-L6-v2 (shipped in a PyPI package)",
    )
    embed_batch_size: int = Field(128, ge=1, le=4096, description="Texts embedded per batch")

    # --- language model ------------------------------------------------------
    llm: str = Field(
        "builtin:SmolLM2-135M-Instruct",
        description="Text model: a local folder, a Hugging Face id already in the cache, or builtin:SmolLM2-135M-Instruct",
    )
    llm_adapter: str | None = Field(None, description="A LoRA adapter folder loaded over the text model")
    llm_api_base: str | None = Field(
        None, description="URL of an OpenAI-compatible server (vLLM, TGI, llama.cpp); replaces the local model"
    )
    llm_api_key: SecretStr | None = Field(None, description="API key for llm_api_base")
    llm_api_model: str | None = Field(None, description="Model name sent to llm_api_base")
    llm_threads: int = Field(0, ge=0, description="CPU threads for the local model (0: torch's default)")
    candidates: int = Field(4, ge=1, le=16, description="Candidates generated per draft")
    max_new_tokens: int = Field(96, ge=1, le=2048, description="New tokens per generation step")
    temperature: float = Field(0.8, ge=0.0, le=2.0, description="Sampling temperature for candidates")
    seed: int = Field(1234, description="Base seed for generation")
    fluency_gate: bool = Field(
        True, description="Reject garbled model text: repeated fragments, and the local model's surprise where calibrated"
    )
    fluency_thresholds: Path | None = Field(
        None, description="YAML of fluency thresholds per model (unset: those calibrated in generators/text/data/fluency.yaml)"
    )

    # --- images --------------------------------------------------------------
    image_model: str | None = Field(None, description="Diffusers text-to-image model: a Hugging Face id or a local folder")
    controlnet_model: str | None = Field(None, description="Optional ControlNet model (Canny) for uploaded photos")
    image_default_steps: int = Field(4, ge=1, le=200, description="Default inference steps")
    image_max_steps: int = Field(50, ge=1, le=500, description="Largest step count accepted")
    image_default_size: str = Field("512x512", description="Default image size WxH")
    image_max_pixels: int = Field(1024 * 1024, ge=64 * 64, description="Largest W*H accepted")
    image_max_prompt_chars: int = Field(600, ge=50, description="Longest scene request accepted")
    upload_max_bytes: int = Field(10 * 1024 * 1024, ge=1024, description="Largest uploaded photo accepted")
    image_queue_size: int = Field(16, ge=1, le=1000, description="Image jobs that may wait for the device at once")
    image_max_batch: int = Field(4, ge=1, le=64, description="Compatible image jobs run together in one batch")
    image_prompt_with_llm: bool = Field(
        False,
        description="Let the text model write image prompts (off: the built-in 135M model's prompts were unusable, so the template is used)",
    )
    image_guidance_scale: float | None = Field(
        None, ge=0.0, description="Classifier-free guidance: 0 for sd-turbo/SDXL-Turbo, about 7 for SD 1.5 (unset: the model's default)"
    )

    # --- drafting defaults ---------------------------------------------------
    default_brand: str | None = Field(None, description="Brand used when a request names none")
    default_channel: Channel = Field("generic", description="Sales channel used when a request names none")
    polish_budget_s: float = Field(
        60.0, ge=0.0, description="Seconds the text model may spend polishing a posted first draft (0: first drafts only)")
    bulk_workers: int = Field(0, ge=0, le=64, description="Processes `copydesk bulk` drafts with (0: one per CPU)")
    bulk_slice_s: float = Field(
        0.5, gt=0.0, description="Seconds a bulk job drafts on a bot worker before it lets waiting requests go first")
    bulk_query_limit: int = Field(200, ge=1, le=100000, description="Products a bulk query (`bulk wooden toys`) selects at most")

    # --- Slack ---------------------------------------------------------------
    slack_bot_token: SecretStr | None = Field(
        None, validation_alias=AliasChoices("SLACK_BOT_TOKEN", "COPYDESK_SLACK_BOT_TOKEN"), description="xoxb- token"
    )
    slack_app_token: SecretStr | None = Field(
        None,
        validation_alias=AliasChoices("SLACK_APP_TOKEN", "COPYDESK_SLACK_APP_TOKEN"),
        description="xapp- token for Socket Mode",
    )
    slack_signing_secret: SecretStr | None = Field(
        None,
        validation_alias=AliasChoices("SLACK_SIGNING_SECRET", "COPYDESK_SLACK_SIGNING_SECRET"),
        description="Signing secret for HTTP mode",
    )
    slack_api_url: str = Field(
        "https://slack.com/api/",
        validation_alias=AliasChoices("SLACK_API_URL", "COPYDESK_SLACK_API_URL"),
        description="Slack Web API base URL (point it at a stand-in for tests)",
    )
    allowed_channels: Annotated[list[str], NoDecode] = Field(default_factory=list, description="Only answer in these channel ids (empty: all)")
    allowed_users: Annotated[list[str], NoDecode] = Field(default_factory=list, description="Only answer these user ids (empty: all)")
    workers: int = Field(4, ge=1, le=64, description="Worker threads doing drafts and images")
    user_queue_limit: int = Field(3, ge=1, le=100, description="Requests one user may have waiting at once")
    stream_update_interval_s: float = Field(1.0, ge=0.2, description="Seconds between message updates while streaming")
    event_retake_s: float = Field(
        60.0, ge=0.5, description="Seconds after which Slack's retry of a request that was taken and never answered "
                                  "(its process died) is answered again")

    log_level: str = Field("INFO", description="Logging level")

    @field_validator("allowed_channels", "allowed_users", mode="before")
    @classmethod
    def _split_csv(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [item.strip() for item in value.split(",") if item.strip()]
        return value

    @field_validator("home", mode="after")
    @classmethod
    def _absolute_home(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    # --- derived paths -------------------------------------------------------
    @property
    def chroma_path(self) -> Path:
        return self.home / "chroma"

    @property
    def db_path(self) -> Path:
        return self.home / "copydesk.sqlite3"

    @property
    def models_path(self) -> Path:
        return self.home / "models"

    @property
    def slack_configured(self) -> bool:
        return self.slack_bot_token is not None

    def secret_values(self) -> list[str]:
        """Every configured secret: the tokens, keys and signing secret, and passwords inside URLs."""
        values: list[str] = []
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, SecretStr):
                values.append(value.get_secret_value())
            elif isinstance(value, str) and "://" in value:
                try:
                    values.append(urlsplit(value).password or "")
                except ValueError:  # not a URL after all
                    continue
        return [v for v in values if v]

    def redactor(self) -> Redactor:
        """Masks these settings' secrets (and any recognisable token or URL password) in text."""
        return Redactor(self.secret_values())

    def masked(self) -> dict[str, Any]:
        """The effective configuration, safe to show (`copydesk config`): a set secret shows as ***, in full,
        and URLs lose their passwords."""
        redactor = self.redactor()
        shown: dict[str, Any] = {}
        for name in type(self).model_fields:
            value = getattr(self, name)
            if isinstance(value, SecretStr):
                value = MASK if value.get_secret_value() else ""
            elif isinstance(value, Path):
                value = str(value)
            elif isinstance(value, str):
                value = redactor(value)
            shown[name] = value
        return shown
