"""Settings: one TOML file validated by pydantic, with a few environment overrides.

The example file `config/maintbot.example.toml` documents every field. Validation errors are turned
into one line per problem (`ConfigError.problems`) so `run_bot.py check-config` never shows a traceback.
"""

from __future__ import annotations

import os
import re
import tomllib
from datetime import date, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    SecretStr,
    ValidationError,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.services.domain.assessment import CONTRACT_TIERS
from bot.services.domain.people import Role
from bot.services.domain.urgent import ARRIVAL_WITHIN
from storage.dialect import database_location

DEFAULT_CONFIG_PATH = Path("config/maintbot.toml")
EXAMPLE_CONFIG_PATH = Path(__file__).with_name("maintbot.example.toml")

_COMPACT_DURATION = re.compile(r"^\s*(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m)?\s*(?:(\d+)\s*s)?\s*$", re.I)


def parse_duration(value: Any) -> Any:
    """Read "1h", "15m", "90s", "1h30m", "2d" (else leave ISO-8601 / numbers to pydantic)."""
    if isinstance(value, str):
        match = _COMPACT_DURATION.match(value)
        if match and any(match.groups()):
            d, h, m, s = (int(g) if g else 0 for g in match.groups())
            return timedelta(days=d, hours=h, minutes=m, seconds=s)
    return value


Duration = Annotated[timedelta, BeforeValidator(parse_duration)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ContractSettings(Strict):
    id: str = Field("cz-2022", pattern=r"^[A-Za-z0-9_.-]{1,40}$")
    title: str
    client: str
    vendor: str
    amount: Decimal = Field(gt=0)
    signed: date
    start: date
    end: date
    timezone: str = "Asia/Shanghai"
    default_language: Literal["zh_CN", "en"] = "zh_CN"
    regions: list[str] = Field(default_factory=list)
    systems: list[str] = Field(default_factory=list)
    tracking_start: date | None = Field(None, description="the bot keeps the record from this day: no absence, "
                                        "missing log or monthly report before it (default: its first start)")
    dingtalk_group: str | None = Field(None, min_length=1, description="this contract's DingTalk group "
                                       "(openConversationId, cid…); default: [dingtalk] group_conversation_id")

    def in_service(self, day: date) -> bool:
        """Within the service period (start and end included)."""
        return self.start <= day <= self.end

    @model_validator(mode="after")
    def _period_in_order(self) -> ContractSettings:
        if self.end < self.start:
            raise ValueError("end must not be before start")
        return self


class PaymentTier(Strict):
    label: str
    above: Decimal = Field(description="the score must be strictly above this")
    ratio: Decimal = Field(ge=0, le=1)


class PaymentMilestone(Strict):
    key: str
    share: Decimal = Field(gt=0, le=1)
    working_days: int | None = Field(None, description="working days after the anchor")
    anchor: Literal["signed", "six_months", "end"] = "signed"


def _default_tiers() -> list[PaymentTier]:
    return [PaymentTier(label=tier.label, above=tier.above, ratio=tier.ratio) for tier in CONTRACT_TIERS]


class AssessmentSettings(Strict):
    weights: dict[str, Decimal] = Field(default_factory=lambda: {
        "daily_maintenance": Decimal(20), "responsiveness": Decimal(10), "completion": Decimal(20),
        "satisfaction": Decimal(20), "attendance": Decimal(30)})
    tiers: list[PaymentTier] = Field(default_factory=_default_tiers)
    milestones: list[PaymentMilestone] = Field(default_factory=lambda: [
        PaymentMilestone(key="signing", share=Decimal("0.10"), working_days=15, anchor="signed"),
        PaymentMilestone(key="midterm", share=Decimal("0.40"), working_days=30, anchor="six_months"),
        PaymentMilestone(key="final", share=Decimal("0.50"), working_days=None, anchor="end")])

    @model_validator(mode="after")
    def _weights_known(self) -> AssessmentSettings:
        known = {"daily_maintenance", "responsiveness", "completion", "satisfaction", "attendance"}
        unknown = set(self.weights) - known
        if unknown:
            raise ValueError(f"unknown components {sorted(unknown)}; known: {sorted(known)}")
        return self


ChannelName = Literal["http", "ding"]


class EscalationStep(Strict):
    target: Literal["lead", "contacts", "escalation", "supervisors", "admins"]
    delay: Duration = timedelta(0)
    channels: list[ChannelName] = Field(default_factory=list)  # also call / text them (issue 20), beside chat


class CallStep(Strict):
    """A phone call / SMS while nobody has acknowledged an urgent request: `after` counts from its start."""

    after: Duration
    target: Literal["duty", "lead", "contacts", "escalation", "supervisors", "admins"] = "duty"
    channel: ChannelName = "http"


class HttpHookSettings(Strict):
    """An SMS / voice provider's HTTP API. `{phone}`, `{text}`, `{request_id}`, `{name}`, `{kind}` are filled in
    (JSON-escaped when `body_format` is json, URL-encoded for form); `${NAME}` is read from the environment
    when sending (secrets never go in the file)."""

    url: str
    method: Literal["GET", "POST", "PUT"] = "POST"
    headers: dict[str, str] = Field(default_factory=dict)
    body: str = ""
    body_format: Literal["json", "form", "text"] = "json"
    expect_status: list[int] = Field(default_factory=lambda: [200])
    expect_json_field: str | None = None  # dotted path in the answer, e.g. "result.code"
    expect_json_value: str | None = None  # its value when accepted (compared as text)
    timeout: Duration = timedelta(seconds=10)


class ChannelsSettings(Strict):
    """Escalation channels beside chat (issue 20)."""

    http: HttpHookSettings | None = None
    per_minute: int = Field(10, ge=1, description="at most this many sends a minute on each channel")
    max_attempts: int = Field(5, ge=1, description="tries before a call / SMS is failed for good")


class SlaSettings(Strict):
    arrival_deadline: Duration = ARRIVAL_WITHIN
    reminder_offsets: list[Duration] = Field(default_factory=lambda: [
        timedelta(minutes=15), timedelta(minutes=30), timedelta(minutes=45)])
    escalation_steps: list[EscalationStep] = Field(default_factory=lambda: [
        EscalationStep(target="lead", delay=timedelta(0)),
        EscalationStep(target="contacts", delay=timedelta(minutes=15)),
        EscalationStep(target="escalation", delay=timedelta(minutes=30))])
    second_line_arrival: Duration = timedelta(hours=4)
    calls: list[CallStep] = Field(default_factory=list)  # issue 20: phone / SMS while unacknowledged


class OnCallSettings(Strict):
    """On-call rota and holiday duty: when its reminders and checks run (local times)."""

    morning_reminder: time = time(8, 30)       # each duty morning, to the person on duty
    handover_prompt: time = time(20, 0)        # the last evening of a holiday period
    holiday_notice: time = time(16, 0)         # the day before a holiday period: days to each, plan to group
    coverage_check: time = time(10, 0)         # daily: warn lead and supervisors of gaps in the next days
    coverage_days: int = Field(7, ge=1, le=31)
    plan_lead_days: int = Field(10, ge=1, le=60)  # propose a holiday duty plan this many days ahead


class WorkingHoursSettings(Strict):
    start: time = time(9, 0)
    end: time = time(17, 30)
    checkin_reminder: time = time(9, 15)
    summary_cutoff: time = time(10, 0)
    checkout_reminder: time = time(18, 30)
    daily_log_reminder: time = time(16, 30)


class SiteSettings(Strict):
    name: str = "现场"
    latitude: float = Field(ge=-90, le=90)
    longitude: float = Field(ge=-180, le=180)
    radius_m: float = Field(500, gt=0)


class AttendanceSettings(Strict):
    leave_counts_as_present: bool = False
    makeups_per_month: int = Field(3, ge=0)
    makeup_days_back: int = Field(5, ge=0)
    late_weight: Decimal = Field(Decimal(0), ge=0, le=1)
    location_window: Duration = timedelta(minutes=10)


class TicketSettings(Strict):
    default_due: Duration = timedelta(days=3)
    due_by_kind: dict[str, Duration] = Field(default_factory=dict)
    overdue_grace: Duration = timedelta(hours=4)
    custom_dev_limit_person_days: int = Field(40, gt=0)
    basically_satisfied_weight: Decimal = Field(Decimal("0.5"), ge=0, le=1)
    auto_rate_after_days: int | None = Field(None, ge=1)
    auto_rate_value: Literal["satisfied", "basically", "unsatisfied"] = "satisfied"
    faq_digest_time: time = time(10, 0)   # monthly FAQ digest, first working day of the month


class CalendarSettings(Strict):
    add_holidays: dict[date, str] = Field(default_factory=dict)
    remove_holidays: list[date] = Field(default_factory=list)
    add_workdays: list[date] = Field(default_factory=list)


class TelegramSettings(Strict):
    token: SecretStr | None = None
    api_base_url: str | None = Field(None, description="for a self-hosted Bot API server, e.g. http://localhost:8081/bot")
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_listen: str = "127.0.0.1"
    webhook_port: int = 8443
    bootstrap_retries: int = -1
    max_retries: int = Field(5, ge=3)
    rate_limit: bool = Field(True, description="pace sends to Telegram's flood limits; false only against a fake "
                             "Bot API (bench/bench_updates.py --http)")
    heartbeat_url: str | None = None


# The database: a SQLite file (a path or `sqlite:///path`) or a PostgreSQL URL (`postgresql://…`, kept as text).
DatabaseLocation = Annotated[Path | str, BeforeValidator(database_location)]


class StorageSettings(Strict):
    db: DatabaseLocation = Path("maintbot.db")
    backup_dir: Path = Path("backups")
    backup_keep: int = Field(14, ge=1)
    backup_time: time = time(2, 30)


class ReliabilitySettings(Strict):
    """Issue #9: the HTTP health endpoint, the liveness stamp and heartbeat, the start-up downtime notice."""

    health_listen: str = "127.0.0.1"
    health_port: int | None = Field(None, ge=0, le=65535, description="serve GET /health here; None: off")
    alive_interval: Duration = timedelta(seconds=60)
    downtime_notice_after: Duration = timedelta(minutes=3)
    outbox_stuck_after: Duration = timedelta(minutes=15)
    processed_updates_keep: Duration = timedelta(days=2)


class WebSettings(Strict):
    """Issue #19: the read-only web page (started when the `[web]` section is present). The signing secret is
    MAINTBOT_WEB_SECRET, else generated once and kept in the database."""

    listen: str = "127.0.0.1"
    port: int = Field(8080, ge=0, le=65535, description="0: any free port")
    base_url: str | None = Field(None, description="public address in links, e.g. https://maint.example.org; "
                                                   "None: http://listen:port")
    link_lifetime: Duration = timedelta(hours=12)
    feed_lifetime: Duration = timedelta(days=366)


Platform = Literal["telegram", "dingtalk"]
ALL_PLATFORMS: tuple[Platform, ...] = ("telegram", "dingtalk")


class DingTalkSettings(Strict):
    """Issue 17: DingTalk as a second platform (Stream mode). The app secret is MAINTBOT_DINGTALK_CLIENT_SECRET
    (never in the file). `platforms` lists the platforms this deployment runs; without a [dingtalk] section
    only Telegram runs."""

    client_id: str = Field(min_length=1, description="the app's AppKey / Client ID")
    client_secret: SecretStr | None = Field(None, description="set MAINTBOT_DINGTALK_CLIENT_SECRET instead")
    robot_code: str = Field(min_length=1, description="the robot's code (usually the same as the AppKey)")
    group_conversation_id: str | None = Field(None, description="openConversationId of the contract's group (cid…)")
    platforms: list[Platform] = Field(default_factory=lambda: list(ALL_PLATFORMS), min_length=1)
    openapi_endpoint: str = Field("https://api.dingtalk.com", description="DINGTALK_OPENAPI_ENDPOINT wins")
    group_per_minute: int = Field(20, ge=1, le=20, description="a group robot may send 20 messages a minute")
    private_per_second: int = Field(20, ge=1, description="our pace for one-to-one sends (all people together)")


class PersonSettings(Strict):
    name: str = Field(min_length=1, max_length=40)
    telegram_id: int = Field(gt=0)
    dingtalk_id: str | None = Field(None, min_length=1, max_length=64, description="DingTalk userId (staffId)")
    roles: list[Role] = Field(min_length=1)
    phone: str | None = None
    party: Literal["client", "vendor"] | None = None
    language: Literal["zh_CN", "en"] | None = None
    start: date | None = None
    end: date | None = None

    @model_validator(mode="after")
    def _party_for_contacts(self) -> PersonSettings:
        if Role.CONTACT in self.roles and self.party is None:
            raise ValueError("a contact must say which party: party = \"client\" or \"vendor\"")
        return self


class ManagerSettings(Strict):
    """Someone who may see every contract of the deployment (/scores), e.g. the vendor's operations manager."""

    name: str = Field(min_length=1, max_length=40)
    telegram_id: int | None = Field(None, gt=0)
    dingtalk_id: str | None = Field(None, min_length=1, max_length=64)

    @model_validator(mode="after")
    def _reachable(self) -> ManagerSettings:
        if self.telegram_id is None and self.dingtalk_id is None:
            raise ValueError("a manager needs telegram_id or dingtalk_id")
        return self


class DrillSettings(Strict):
    scenario: str
    date: date


class InspectionSettings(Strict):
    """A recurring inspection (巡检计划): opens on its working day at `at`, reminded until done."""

    name: str = Field(min_length=1, max_length=80)
    every: Literal["daily", "weekly", "monthly", "quarterly"]
    day: int = Field(1, ge=1, le=31)  # weekly: 1 = Monday … 7; monthly / quarterly: day of the month
    at: time = time(9, 30)
    creates: Literal["checklist", "ticket"] = "checklist"
    daily_maintenance: bool = True  # not done by its day: a missed daily-maintenance item


class DutiesSettings(Strict):
    """Contract duties (#8): hand-over length, onboarding-paper deadlines, reminders, incidents, audit."""

    handover_days: int = Field(20, ge=1, description="calendar days of hand-over before the leaver is released")
    confidentiality_working_days: int = Field(15, ge=1, description="安全保密承诺书 due, working days after start")
    certificate_working_days: int = Field(15, ge=1, description="无犯罪记录证明 due, working days after start")
    training_working_days: int = Field(15, ge=1, description="first security training due, working days after start")
    training_every_days: int = Field(180, ge=0, description="a new security training is due this long after the last"
                                                          " (0: only the first)")
    reminder_workdays: int = Field(3, ge=0, description="remind this many working days before a paper or drill is due")
    papers_since: date | None = Field(None, description="papers due before this date are shown, not reminded"
                                                       " (default: the day the bot first checked)")
    incident_reminder_every: Duration = timedelta(days=1)
    audit_limit: int = Field(2000, ge=1, le=100_000)  # a long /audit is paged (bot/pager.py)


class DataSettings(Strict):
    """Data lifecycle (#8): what `run_bot.py purge` keeps of a finished contract."""

    keep_tables: list[str] = Field(default_factory=list, description="tables whose rows purge keeps; 'audit' is kept"
                                                                     " anonymised (no names, ids or texts)")


class MediaSettings(Strict):
    """Photos and files on records (#20 item 3): the platform's file id is always kept; a local copy only when
    `keep_local` (in `dir`, relative to the database file), and only for files up to `max_bytes`."""

    keep_local: bool = False
    dir: Path = Path("attachments")
    max_bytes: int = Field(10 * 1024 * 1024, ge=1)


class ReportSettings(Strict):
    """The monthly report (issue #7): when it goes to the contacts, where the files are written."""

    monthly: bool = True
    monthly_time: time = time(9, 30)
    dir: Path | None = Field(None, description="where reports are written; default: reports/ next to the db")


class Settings(Strict):
    """The whole configuration of one contract with its deployment's sections (a single file: the deployment)."""

    contract: ContractSettings
    assessment: AssessmentSettings = Field(default_factory=AssessmentSettings)
    sla: SlaSettings = Field(default_factory=SlaSettings)
    oncall: OnCallSettings = Field(default_factory=OnCallSettings)
    working_hours: WorkingHoursSettings = Field(default_factory=WorkingHoursSettings)
    site: SiteSettings
    attendance: AttendanceSettings = Field(default_factory=AttendanceSettings)
    tickets: TicketSettings = Field(default_factory=TicketSettings)
    calendar: CalendarSettings = Field(default_factory=CalendarSettings)
    telegram: TelegramSettings = Field(default_factory=TelegramSettings)
    storage: StorageSettings = Field(default_factory=StorageSettings)
    roster: list[PersonSettings] = Field(min_length=1)
    drills: list[DrillSettings] = Field(default_factory=list)
    reports: ReportSettings = Field(default_factory=ReportSettings)
    duties: DutiesSettings = Field(default_factory=DutiesSettings)
    data: DataSettings = Field(default_factory=DataSettings)
    media: MediaSettings = Field(default_factory=MediaSettings)
    reliability: ReliabilitySettings = Field(default_factory=ReliabilitySettings)
    channels: ChannelsSettings = Field(default_factory=ChannelsSettings)
    inspections: list[InspectionSettings] = Field(default_factory=list)
    web: WebSettings | None = None  # issue #19: the web page; None (no [web] section): not served
    dingtalk: DingTalkSettings | None = None  # issue 17: DingTalk; None (no [dingtalk] section): Telegram only
    sweep_interval: Duration = timedelta(seconds=60)
    managers: list[ManagerSettings] = Field(default_factory=list)  # issue 18: may see every contract (/scores)
    # The deployment this contract belongs to: every contract's settings, this one included, in order (a single
    # file: just this one). Set by `load_deployment`; not a config field.
    _deployment: tuple[Settings, ...] = PrivateAttr(default=())

    @property
    def deployment(self) -> tuple[Settings, ...]:
        """Every contract this process serves (a single-file config: only this one)."""
        return self._deployment or (self,)

    @model_validator(mode="after")
    def _roster_consistent(self) -> Settings:
        ids = [p.telegram_id for p in self.roster]
        dup_ids = sorted({i for i in ids if ids.count(i) > 1})
        if dup_ids:
            raise ValueError(f"roster: telegram_id used twice: {dup_ids}")
        names = [p.name for p in self.roster]
        dup_names = sorted({n for n in names if names.count(n) > 1})
        if dup_names:
            raise ValueError(f"roster: name used twice: {dup_names}")
        ding = [p.dingtalk_id for p in self.roster if p.dingtalk_id]
        dup_ding = sorted({i for i in ding if ding.count(i) > 1})
        if dup_ding:
            raise ValueError(f"roster: dingtalk_id used twice: {dup_ding}")
        if self.dingtalk is not None and "dingtalk" in self.dingtalk.platforms and not ding:
            raise ValueError("dingtalk: no one on the roster has a dingtalk_id (add dingtalk_id = \"…\")")
        used = {step.channel for step in self.sla.calls} | {c for step in self.sla.escalation_steps
                                                           for c in step.channels}
        if "http" in used and self.channels.http is None:
            raise ValueError("sla: a step uses the channel 'http' but [channels.http] is not configured")
        names = [i.name for i in self.inspections]
        if len(set(names)) != len(names):
            raise ValueError("inspections: a name is used twice")
        if self.contract.dingtalk_group and self.dingtalk is None:
            raise ValueError("contract.dingtalk_group: DingTalk is not configured: add a [dingtalk] section "
                             "(in deployment.toml for a deployment directory) or remove dingtalk_group")
        return self

    @property
    def dingtalk_group_id(self) -> str | None:
        """This contract's DingTalk group (openConversationId): its own `[contract] dingtalk_group`, else the
        deployment's `[dingtalk] group_conversation_id`; None without DingTalk."""
        if self.dingtalk is None:
            return None
        return self.contract.dingtalk_group or self.dingtalk.group_conversation_id

    @property
    def platforms(self) -> tuple[str, ...]:
        """The chat platforms this deployment runs."""
        if self.dingtalk is None:
            return ("telegram",)
        return tuple(self.dingtalk.platforms)


class EnvOverrides(BaseSettings):
    """MAINTBOT_TOKEN, MAINTBOT_API_BASE_URL and MAINTBOT_DB win over the file."""

    model_config = SettingsConfigDict(env_prefix="MAINTBOT_", extra="ignore")
    token: SecretStr | None = None
    api_base_url: str | None = None
    db: DatabaseLocation | None = None
    dingtalk_client_secret: SecretStr | None = None


class ConfigError(Exception):
    """A configuration that cannot be used; `problems` holds one readable line each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


def _format_validation_error(exc: ValidationError) -> list[str]:
    lines = []
    for err in exc.errors():
        path = ".".join(str(p) for p in err["loc"]) or "(top level)"
        msg = err["msg"].removeprefix("Value error, ")
        lines.append(f"{path}: {msg}")
    return lines


def resolve_config_path(explicit: str | Path | None = None) -> Path:
    """--config, then MAINTBOT_CONFIG, then config/maintbot.toml."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("MAINTBOT_CONFIG")
    return Path(env) if env else DEFAULT_CONFIG_PATH


def settings_from_dict(raw: dict[str, Any], *, apply_env: bool = True) -> Settings:
    """Validate a parsed TOML document (tests build settings this way)."""
    try:
        settings = Settings.model_validate(raw)
        if apply_env:
            env = EnvOverrides()
            telegram = settings.telegram.model_copy(update={
                k: v for k, v in (("token", env.token), ("api_base_url", env.api_base_url)) if v is not None})
            storage = settings.storage.model_copy(update={"db": env.db} if env.db else {})
            settings = settings.model_copy(update={"telegram": telegram, "storage": storage})
            if settings.dingtalk is not None and env.dingtalk_client_secret is not None:
                ding = settings.dingtalk.model_copy(update={"client_secret": env.dingtalk_client_secret})
                settings = settings.model_copy(update={"dingtalk": ding})
    except ValidationError as exc:
        raise ConfigError(_format_validation_error(exc)) from None
    return settings


def load_settings(path: str | Path | None = None, *, apply_env: bool = True) -> Settings:
    """Read and validate the TOML file; raise ConfigError with readable lines.

    A directory is a deployment of several contracts (`load_deployment`): its first contract's settings are
    returned, and `settings.deployment` holds them all."""
    config_path = Path(path) if path else resolve_config_path()
    if config_path.is_dir():
        return load_deployment(config_path, apply_env=apply_env)[0]
    try:
        raw = tomllib.loads(config_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError([f"{config_path}: file not found (copy config/maintbot.example.toml)"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([f"{config_path}: not valid TOML: {exc}"]) from None
    return settings_from_dict(raw, apply_env=apply_env)


# -- many contracts in one deployment (issue 18, item 3) --------------------------------------------------------
DEPLOYMENT_FILE = "deployment.toml"
CONTRACTS_DIR = "contracts"
# Sections of deployment.toml that belong to the deployment (one process, one database, one bot token); a contract
# file may not hold them. Other sections in deployment.toml are defaults every contract file may override.
DEPLOYMENT_SECTIONS = ("telegram", "storage", "reliability", "web", "dingtalk", "sweep_interval", "managers", "media")


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError([f"{path}: file not found"]) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError([f"{path}: not valid TOML: {exc}"]) from None


def load_deployment(folder: str | Path, *, apply_env: bool = True) -> tuple[Settings, ...]:
    """A deployment directory: `deployment.toml` (the deployment-wide sections and a `[[managers]]` list, plus
    defaults for the contracts) and one `contracts/*.toml` per contract (read in file-name order). Each problem is
    one line naming its file; contract ids must be unique. Every returned Settings knows the whole deployment."""
    folder = Path(folder)
    deployment_path = folder / DEPLOYMENT_FILE
    shared = _read_toml(deployment_path)
    files = sorted((folder / CONTRACTS_DIR).glob("*.toml"))
    if not files:
        raise ConfigError([f"{folder / CONTRACTS_DIR}: no contract files (*.toml): add one per contract"])
    deployment_part = {k: v for k, v in shared.items() if k in DEPLOYMENT_SECTIONS}
    defaults = {k: v for k, v in shared.items() if k not in DEPLOYMENT_SECTIONS}
    problems: list[str] = []
    contracts: list[Settings] = []
    first_file: dict[str, Path] = {}
    for path in files:
        try:
            own = _read_toml(path)
        except ConfigError as exc:
            problems.extend(exc.problems)
            continue
        misplaced = sorted(k for k in own if k in DEPLOYMENT_SECTIONS)
        if misplaced:
            problems.append(f"{path}: {', '.join(misplaced)} belong(s) in {deployment_path}, not in a contract file")
            continue
        try:
            settings = settings_from_dict({**defaults, **own, **deployment_part}, apply_env=apply_env)
        except ConfigError as exc:
            for line in exc.problems:
                where = deployment_path if line.split(".", 1)[0].split(":", 1)[0] in DEPLOYMENT_SECTIONS else path
                entry = f"{where}: {line}"
                if entry not in problems:
                    problems.append(entry)
            continue
        cid = settings.contract.id
        if cid in first_file:
            problems.append(f"{path}: contract id {cid!r} is already used by {first_file[cid]}; ids must be unique")
            continue
        first_file[cid] = path
        contracts.append(settings)
    problems += dingtalk_group_clashes([(str(first_file[each.contract.id]), each) for each in contracts])
    if problems:
        raise ConfigError(problems)
    return compose_deployment(contracts)


def dingtalk_group_clashes(contracts: list[tuple[str, Settings]]) -> list[str]:
    """A DingTalk group belongs to one contract: the group a contract names (`[contract] dingtalk_group`) may be no
    other contract's group. Contracts that name none share the default (`[dingtalk] group_conversation_id`), as
    every contract did before (check-config notes it). One line per clash, starting with its contract's label."""
    owners: dict[str, tuple[str, bool]] = {}
    problems = []
    for label, settings in contracts:
        group = settings.dingtalk_group_id
        if group is None:
            continue
        named = settings.contract.dingtalk_group is not None
        if group not in owners:
            owners[group] = (label, named)
            continue
        other, other_named = owners[group]
        if named or other_named:
            how = "" if named else " (it names no contract.dingtalk_group, so it takes dingtalk.group_conversation_id)"
            problems.append(f"{label}: contract.dingtalk_group: the DingTalk group {group!r} is already the group of "
                            f"{other}{how}; a DingTalk group belongs to one contract: give each its own dingtalk_group")
    return problems


def compose_deployment(contracts: list[Settings]) -> tuple[Settings, ...]:
    """Several contracts' settings as one deployment (the first contract's deployment sections are the ones used):
    each learns the others (`settings.deployment`). Contract ids must be unique."""
    ids = [each.contract.id for each in contracts]
    twice = sorted({cid for cid in ids if ids.count(cid) > 1})
    if twice:
        raise ConfigError([f"contract ids must be unique: {', '.join(twice)} used more than once"])
    clashes = dingtalk_group_clashes([(f"contract {each.contract.id}", each) for each in contracts])
    if clashes:
        raise ConfigError(clashes)
    everything = tuple(contracts)
    for settings in everything:
        settings._deployment = everything
    return everything
