"""The protected-attribute policy (declared in protected.toml beside the feature definitions), and its enforcement.

An attribute is *excluded* (no model input may be one of its fields or be derived from one) or *monitored* (its
fields may be inputs only when the policy writes down why; it is always measured). Which features derive from a
field is not typed by hand: the application features are a pure function of the application row, so changing the
field on a few rows and seeing which outputs move gives the lineage; aggregate families declare the columns they read.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from common.errors import UserError
from training.data.schema import APPLICATION_TRAIN

POLICY_FILE = Path(__file__).with_name("protected.toml")
UNKNOWN_GROUP = "unknown"
Treatment = Literal["excluded", "monitored"]
LANGUAGES = ("fr", "en")  # every written reason is given in each: French first, the product's language


class PolicyError(UserError):
    """A feature list or a policy file that breaks the protected-attribute policy; the message names both."""


# Values computed from a protected field before banding (named in the policy file's `value`).
VALUES = {
    "age_years": lambda days: -pd.to_numeric(days, errors="coerce") / 365.25,
}


@dataclass(frozen=True)
class ProtectedAttribute:
    name: str
    label_fr: str
    label_en: str
    fields: tuple[str, ...]
    treatment: Treatment
    reason_fr: str
    reason_en: str
    input_reason_fr: str = ""
    input_reason_en: str = ""
    groups: Literal["category", "bands"] = "category"
    value: str | None = None
    edges: tuple[float, ...] = ()
    labels: tuple[str, ...] = ()

    @property
    def may_be_input(self) -> bool:
        return self.treatment == "monitored" and bool(self.input_reason_fr.strip())

    def reason(self, language: str) -> str:
        """Why the attribute is protected, in `language` (fr or en)."""
        return self.reason_fr if language == "fr" else self.reason_en

    def input_reason(self, language: str) -> str:
        """Why a monitored attribute may be a model input, in `language` (fr or en); empty when it may not."""
        return self.input_reason_fr if language == "fr" else self.input_reason_en

    def group_of(self, application: pd.DataFrame) -> pd.Series:
        """Each client's group (a string; `unknown` when the field is missing), from raw application rows."""
        source = (
            application[self.fields[0]]
            if self.fields[0] in application
            else pd.Series(index=application.index)
        )
        if self.groups == "bands":
            values = pd.Series(VALUES[str(self.value)](source), index=application.index, dtype=float)
            cut = pd.cut(values, bins=[*self.edges, np.inf], right=False, labels=list(self.labels))
            out = cut.astype(object)
        else:
            out = source.astype(object)
        return out.where(out.notna(), UNKNOWN_GROUP).astype(str).rename(self.name)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label_fr": self.label_fr,
            "label_en": self.label_en,
            "fields": list(self.fields),
            "treatment": self.treatment,
            "reason_fr": self.reason_fr,
            "reason_en": self.reason_en,
            "input_reason_fr": self.input_reason_fr,
            "input_reason_en": self.input_reason_en,
            "groups": list(self.labels) if self.groups == "bands" else "category",
        }


@dataclass(frozen=True)
class Policy:
    attributes: tuple[ProtectedAttribute, ...]
    grant_rate_ratio_min: float = 0.8
    equal_opportunity_max: float = 0.1
    min_group: int = 30
    source: str = field(default=str(POLICY_FILE))

    def derived(self, features: list[str]) -> dict[str, list[str]]:
        """feature -> the protected attributes it is, or is derived from (features free of them are left out)."""
        out: dict[str, list[str]] = {}
        for attribute in self.attributes:
            for name in features:
                if any(name in derived_features(f) for f in attribute.fields):
                    out.setdefault(name, []).append(attribute.name)
        return out

    def forbidden(self, features: list[str]) -> dict[str, str]:
        """feature -> why the policy forbids it as a model input (allowed features are left out)."""
        by_name = {a.name: a for a in self.attributes}
        out: dict[str, str] = {}
        for feature, names in self.derived(features).items():
            for name in names:
                attribute = by_name[name]
                if attribute.treatment == "excluded":
                    out[feature] = f"{feature} is (or derives from) the excluded attribute {name}"
                elif not attribute.may_be_input:
                    out[feature] = (
                        f"{feature} derives from the monitored attribute {name}, whose policy gives no input reason"
                    )
        return out

    def violations(self, features: list[str]) -> list[str]:
        """One sentence per feature the policy forbids as a model input."""
        return list(self.forbidden(features).values())

    def enforce(self, features: list[str]) -> None:
        """Raise PolicyError when a model input breaks the policy."""
        problems = self.violations(features)
        if problems:
            raise PolicyError(
                "The feature list breaks the protected-attribute policy: "
                + "; ".join(problems)
                + f". Remove those features from the model inputs, or change the policy in {self.source} "
                "(a monitored attribute needs a written input_reason_fr and input_reason_en)."
            )

    def model_inputs(self, features: list[str]) -> list[str]:
        """The features the policy allows as model inputs, in their order."""
        forbidden = self.forbidden(features)
        return [f for f in features if f not in forbidden]

    def groups(self, application: pd.DataFrame) -> pd.DataFrame:
        """One column per protected attribute: each client's group, from raw application rows (index kept)."""
        return pd.concat([a.group_of(application) for a in self.attributes], axis=1)

    @property
    def fields(self) -> list[str]:
        return [f for a in self.attributes for f in a.fields]

    @property
    def declared_inputs(self) -> list[str]:
        """The fields of monitored attributes whose written reason makes them model inputs."""
        return [f for a in self.attributes if a.may_be_input for f in a.fields]

    def as_dict(self) -> dict[str, Any]:
        return {
            "attributes": [a.as_dict() for a in self.attributes],
            "grant_rate_ratio_min": self.grant_rate_ratio_min,
            "equal_opportunity_max": self.equal_opportunity_max,
            "min_group": self.min_group,
        }


def load_policy(path: Path = POLICY_FILE) -> Policy:
    """The policy of `path` (default: the declared file beside the feature definitions), checked."""
    try:
        raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise PolicyError(f"The protected-attribute policy {path} cannot be read ({exc}).") from exc
    attributes = []
    for entry in raw.get("attribute", []):
        try:
            attribute = ProtectedAttribute(
                name=entry["name"],
                label_fr=entry.get("label_fr", entry["name"]),
                label_en=entry.get("label_en", entry["name"]),
                fields=tuple(entry["fields"]),
                treatment=entry["treatment"],
                reason_fr=entry["reason_fr"],
                reason_en=entry["reason_en"],
                input_reason_fr=entry.get("input_reason_fr", ""),
                input_reason_en=entry.get("input_reason_en", ""),
                groups=entry.get("groups", "category"),
                value=entry.get("value"),
                edges=tuple(float(e) for e in entry.get("edges", ())),
                labels=tuple(entry.get("labels", ())),
            )
        except KeyError as exc:
            raise PolicyError(f"Attribute {entry.get('name', '?')} of {path} lacks {exc}.") from exc
        _check(attribute, path)
        attributes.append(attribute)
    bounds = raw.get("bounds", {})
    return Policy(
        attributes=tuple(attributes),
        grant_rate_ratio_min=float(bounds.get("grant_rate_ratio_min", 0.8)),
        equal_opportunity_max=float(bounds.get("equal_opportunity_max", 0.1)),
        min_group=int(bounds.get("min_group", 30)),
        source=str(path),
    )


def _check(attribute: ProtectedAttribute, path: Path) -> None:
    where = f"attribute {attribute.name} of {path}"
    if attribute.treatment not in ("excluded", "monitored"):
        raise PolicyError(
            f"{where}: treatment must be 'excluded' or 'monitored', not {attribute.treatment!r}."
        )
    for language in LANGUAGES:
        if not attribute.reason(language).strip():
            raise PolicyError(
                f"{where}: write down the reason the attribute is protected (reason_{language})."
            )
    written = [language for language in LANGUAGES if attribute.input_reason(language).strip()]
    if written and len(written) != len(LANGUAGES):
        missing = [f"input_reason_{language}" for language in LANGUAGES if language not in written]
        raise PolicyError(
            f"{where}: the input reason is written in {', '.join(written)} only; add {', '.join(missing)} "
            "(every reason is given in French and English), or delete it to keep the attribute out of the model."
        )
    unknown = [f for f in attribute.fields if f not in APPLICATION_TRAIN]
    if unknown:
        raise PolicyError(f"{where}: {unknown} are not application fields of the Home Credit schema.")
    if attribute.groups == "bands" and (
        attribute.value not in VALUES or len(attribute.edges) != len(attribute.labels) or not attribute.edges
    ):
        raise PolicyError(f"{where}: bands need a known value ({sorted(VALUES)}) and one label per edge.")


@lru_cache(maxsize=32)
def derived_features(source_field: str) -> frozenset[str]:
    """Every feature that is `source_field` or moves when it changes (application features by perturbation,
    aggregate features by the columns their family declares)."""
    from training.features.aggregates import FAMILIES
    from training.features.application import application_features

    out = {source_field}
    for family in FAMILIES:
        if any(source_field in columns for columns in family.tables.values()):
            out |= {name for name, *_ in family.columns()}
    base = _plausible_rows(6, seed=7)
    changed = base.copy()
    if APPLICATION_TRAIN[source_field] == "cat":
        changed[source_field] = [f"{v}-other" for v in base[source_field]]
    else:
        changed[source_field] = base[source_field] * 1.37 + 5.0
    before, after = application_features(base), application_features(changed)
    for name in before.columns:
        a, b = before[name].to_numpy(dtype=object), after[name].to_numpy(dtype=object)
        if any(not _same(x, y) for x, y in zip(a, b, strict=True)):
            out.add(str(name))
    return frozenset(out)


def _same(x: object, y: object) -> bool:
    try:
        return bool(np.isclose(float(x), float(y), rtol=1e-6, equal_nan=True))  # type: ignore[arg-type]
    except (TypeError, ValueError):  # text values
        return x == y


def _plausible_rows(n: int, seed: int) -> pd.DataFrame:
    """Application rows with every field filled (days negative, scores in (0, 1)), so that no ratio is missing."""
    rng = np.random.default_rng(seed)
    columns: dict[str, Any] = {}
    for name, kind in APPLICATION_TRAIN.items():
        if name in ("SK_ID_CURR", "TARGET"):
            continue
        if kind == "cat":
            columns[name] = [f"value-{i}" for i in rng.integers(0, 3, n)]
        elif name.startswith("DAYS_"):
            columns[name] = rng.uniform(-20000, -100, n)
        elif name.startswith(("EXT_SOURCE", "FLAG_", "REG_", "LIVE_")) or name.endswith(
            ("_AVG", "_MODE", "_MEDI")
        ):
            columns[name] = rng.uniform(0.05, 0.95, n)
        else:
            columns[name] = rng.uniform(1.0, 50_000.0, n)
    return pd.DataFrame(columns)
