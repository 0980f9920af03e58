"""Rule packs: TOML files in resources/rules/, each in force for a region and a date range.

A pack (see docs/rules.md for the full format)::

    id = "national-2025"
    title = "..."
    effective_from = 2025-05-10
    effective_to = 2099-12-31          # optional; inclusive
    sources = ["...", ...]
    [scope]
    regions = []                        # GB/T 2260 prefixes; empty = nationwide
    offices = "all"                     # "all" | "popup" (pop-up reissue points only)
    [flags]
    emergency_standalone = false        # allow registering offline without 联网核对
    [[rules]]
    id = "n2025.age"; kind = "check"; check = "legal_age"
    items = ["marriage", "retroactive_marriage"]
    outcome = "refuse"; code = "marriage.under_age"
    message_zh = "{role_zh}..."; basis = "《民法典》第一千零四十七条"
    params = { man = 22, woman = 20 }

``kind`` is ``check`` (a finding when the check fires), ``grant`` (jurisdiction: the case may
be handled here when any grant in force says so; otherwise each grant's message is a reason),
``documents`` (documents required when its condition holds) or ``offline`` (a finding means
the step may not finish offline).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from counter_app.errors import CounterAppError
from counter_app.resources import resource_path

KINDS = ("check", "grant", "documents", "offline")
OUTCOMES = ("refuse", "refer", "note")
FAR_FUTURE = date(9999, 12, 31)


class RulePackError(CounterAppError):
    """A rule pack file is malformed (a packaging error: the message names the file)."""

    code = "rules.bad_pack"


@dataclass(frozen=True)
class Rule:
    """One rule of a pack."""

    id: str
    kind: str
    check: str
    items: tuple[str, ...]
    code: str = ""
    outcome: str = "refuse"
    message_zh: str = ""
    basis: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    documents: tuple[str, ...] = ()


@dataclass(frozen=True)
class Pack:
    """A set of rules in force for a region and a date range."""

    id: str
    title: str
    effective_from: date
    effective_to: date
    regions: tuple[str, ...]
    offices: str
    flags: dict[str, Any]
    sources: tuple[str, ...]
    rules: tuple[Rule, ...]

    def in_force(self, day: date) -> bool:
        return self.effective_from <= day <= self.effective_to

    def applies_to(self, region_code: str, popup: bool) -> bool:
        if self.offices == "popup" and not popup:
            return False
        return not self.regions or any(region_code.startswith(p) for p in self.regions)


def _rule(raw: dict[str, Any], where: str) -> Rule:
    kind = raw["kind"]
    if kind not in KINDS:
        raise ValueError(f"{where}: kind {kind!r} not one of {KINDS}")
    outcome = raw.get("outcome", "refuse")
    if outcome not in OUTCOMES:
        raise ValueError(f"{where}: outcome {outcome!r} not one of {OUTCOMES}")
    if kind in ("check", "grant", "offline") and not (raw.get("message_zh") and raw.get("basis")):
        raise ValueError(f"{where}: a {kind} rule needs message_zh and basis")
    if kind == "documents" and not raw.get("documents"):
        raise ValueError(f"{where}: a documents rule needs documents")
    return Rule(id=raw["id"], kind=kind, check=raw["check"], items=tuple(raw["items"]),
                code=raw.get("code", ""), outcome=outcome, message_zh=raw.get("message_zh", ""),
                basis=raw.get("basis", ""), params=dict(raw.get("params", {})),
                documents=tuple(raw.get("documents", ())))


def parse_pack(text: str, name: str = "<pack>") -> Pack:
    """Parse one pack's TOML text (raises RulePackError naming the file and the problem)."""
    try:
        raw = tomllib.loads(text)
        scope = raw.get("scope", {})
        pack = Pack(
            id=raw["id"], title=raw["title"], effective_from=raw["effective_from"],
            effective_to=raw.get("effective_to", FAR_FUTURE),
            regions=tuple(scope.get("regions", ())), offices=scope.get("offices", "all"),
            flags=dict(raw.get("flags", {})), sources=tuple(raw.get("sources", ())),
            rules=tuple(_rule(r, f"{name} rule {i}") for i, r in enumerate(raw["rules"])),
        )
        if not isinstance(pack.effective_from, date) or pack.effective_to < pack.effective_from:
            raise ValueError("effective_from/effective_to must be dates, from <= to")
        if pack.offices not in ("all", "popup"):
            raise ValueError(f"scope.offices {pack.offices!r} not 'all' or 'popup'")
    except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as exc:
        raise RulePackError(f"规则包 {name} 数据有误，请重新安装软件或联系技术支持。",
                            detail=f"{name}: {type(exc).__name__}: {exc}") from None
    return pack


def load_packs(directory: Path | None = None) -> tuple[Pack, ...]:
    """Every ``*.toml`` pack in ``directory`` (default: the bundled resources/rules/)."""
    if directory is None:
        return _bundled()
    return _load_dir(Path(directory))


@lru_cache(maxsize=1)
def _bundled() -> tuple[Pack, ...]:
    return _load_dir(resource_path("rules"))


def _load_dir(directory: Path) -> tuple[Pack, ...]:
    files = sorted(p for p in directory.glob("*.toml") if p.name != "offices.toml")
    if not files:
        raise RulePackError("找不到任何规则包，请重新安装软件。", detail=f"no packs in {directory}")
    packs = tuple(parse_pack(p.read_text(encoding="utf-8"), p.name) for p in files)
    ids = [p.id for p in packs]
    if len(set(ids)) != len(ids):
        raise RulePackError("规则包编号重复，请重新安装软件。", detail=f"duplicate ids {ids}")
    return packs


def select_packs(packs: tuple[Pack, ...], region_code: str, popup: bool,
                 day: date) -> list[Pack]:
    """The packs in force on ``day`` at an office in ``region_code``, in file order."""
    return [p for p in packs if p.in_force(day) and p.applies_to(region_code, popup)]
