"""The regions the service knows: those of its data set (setting ``dataset``).

The data set is a built-in name (``hubei-2020``, the default, or ``italy-2020``) or a data
folder in the layout of ``docs/data-format.md``; only its ``regions.csv`` is read, with its
``defaults.toml`` and ``boundaries.geojson`` when present (:func:`pairaid.datasets.load_regions`).

Donor and recipient regions are those ``pairaid plan`` uses by default for that data set
(:func:`pairaid.selection.select_regions` under the data set's ``defaults.toml``), except
that no recipient is left out by ``exclude_recipients``: that setting keeps a region out of
the *pairing* (Wuhan, 420100, had national rather than paired support in 2020), but every
stricken region posts its needs on the board (Wuhan received most of the 2020 aid staff).
For ``hubei-2020`` that is the 17 prefecture-level divisions of Hubei as recipients and the
30 provinces other than Hubei as donors; for ``italy-2020`` the four recipients listed in
its ``defaults.toml`` and the other 17 regions. Codes are the data set's ``region_code``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pairaid.errors import ConfigError
from pairaid.service.errors import Invalid

DEFAULT_DATASET = "hubei-2020"
"""The service's data set when none is chosen (``--data``, ``PAIRAID_DATA``)."""
KINDS = ("donor", "recipient")


@dataclass(frozen=True)
class Region:
    """A region of the data set: names and seat coordinates [deg].

    ``gb2260`` is the GB/T 2260 code (Chinese regions; ``None`` elsewhere), ``name_local``
    the Chinese name, else the name in the country's language, else the English one.
    """

    code: str
    gb2260: str | None
    name_en: str
    name_local: str
    lat: float
    lon: float


@dataclass(frozen=True)
class ServiceRegions:
    """The service's data set: its regions and which are donors and recipients.

    Attributes
    ----------
    dataset : str
        Data-set name (``hubei-2020``, or the folder's name).
    source : str
        ``built-in``, or the folder the data set was read from.
    regions : mapping
        ``region_code -> Region``, every row of ``regions.csv``.
    kinds : mapping
        ``region_code -> "donor" | "recipient"`` (regions of neither kind left out).
    boundaries : dict or None
        The data set's ``boundaries.geojson`` (features keyed by ``region_code``).
    """

    dataset: str
    source: str
    regions: Mapping[str, Region]
    kinds: Mapping[str, str]
    boundaries: Mapping[str, Any] | None = field(default=None, repr=False)

    @property
    def label(self) -> str:
        """The data set as messages name it: ``italy-2020`` or ``mydata (folder /x/mydata)``."""
        if self.source == "built-in":
            return self.dataset
        return f"{self.dataset} (folder {self.source})"

    @property
    def uses_gb2260(self) -> bool:
        """Whether the regions carry GB/T 2260 codes (the shipped China boundaries apply)."""
        return any(r.gb2260 for r in self.regions.values())

    def find(self, code: str) -> Region | None:
        """The region of ``code`` (a ``region_code``, or a GB/T 2260 code), or ``None``."""
        region = self.regions.get(code)
        if region is None:
            region = next((r for r in self.regions.values() if r.gb2260 == code), None)
        return region

    def name(self, code: str, lang: str = "en") -> str:
        """The name of ``code`` (a ``region_code`` or GB/T 2260 code) in ``lang`` (``zh``:
        the Chinese or local name); the code itself when the data set does not have it."""
        region = self.find(code)
        if region is None:
            return code
        return region.name_local if lang == "zh" else region.name_en

    def codes(self, kind: str) -> list[str]:
        """The codes of ``kind`` (``donor`` or ``recipient``), in table order."""
        return [c for c, k in self.kinds.items() if k == kind]

    def check(self, code: str, kind: str) -> None:
        """Refuse ``code`` unless it is a region of ``kind`` (``donor`` or ``recipient``).

        Raises
        ------
        Invalid
            The code is not a region of the data set, or is one of the other kind or of
            neither; the message names the data set.
        """
        found = self.kinds.get(code)
        if found == kind:
            return
        rule = ("donors and recipients are those `pairaid plan` takes by default for it, "
                "every recipient kept")
        if found is None:
            if code not in self.regions:
                raise Invalid(
                    f"region {code!r} is not a region of the service's data set "
                    f"{self.label}; a {kind} must be a {kind} region of it"
                )
            raise Invalid(
                f"region {code!r} is neither a donor nor a recipient region of "
                f"data set {self.label}; its {rule}"
            )
        raise Invalid(
            f"region {code!r} is a {found} region, not a {kind} region, of data set "
            f"{self.label} (its {rule})"
        )


def resolve(value: str) -> str:
    """The setting ``dataset`` checked: a built-in name as it is, a folder as an absolute
    path.

    A built-in name wins over a folder of the same name in the working folder (write
    ``./italy-2020`` for the folder).

    Raises
    ------
    ValueError
        ``value`` is neither a built-in name nor an existing folder (one line, naming what
        is accepted).
    """
    from pairaid.datasets import BUILTIN

    value = value.strip()
    if value in BUILTIN:
        return value
    path = Path(value).expanduser()
    if value and path.is_dir():
        return str(path.resolve())
    what = "a file, not a folder" if path.is_file() else "not a folder"
    raise ValueError(
        f"{value!r} is neither a built-in data set ({', '.join(BUILTIN)}) nor a "
        f"data folder ({what}); give a built-in name or a folder holding "
        "regions.csv (docs/data-format.md)"
    )


def load_regions(value: str = DEFAULT_DATASET) -> ServiceRegions:
    """Read the service's data set and decide its donors and recipients.

    Parameters
    ----------
    value : str
        A built-in name or a data folder (:func:`resolve`).

    Returns
    -------
    ServiceRegions

    Raises
    ------
    pairaid.errors.InputError
        ``regions.csv`` is missing or invalid (file, line and column named).
    pairaid.errors.ConfigError
        ``value`` is no data set; ``defaults.toml`` is invalid; or the data set has no
        donors or recipients by the rule of ``pairaid plan`` (the message says how to set
        them in ``defaults.toml``).
    """
    from pairaid.config import make_config, with_dataset_defaults
    from pairaid.datasets import BUILTIN, builtin_path
    from pairaid.datasets import load_regions as read_regions
    from pairaid.selection import select_regions

    try:
        value = resolve(value)
    except ValueError as err:
        raise ConfigError(f"setting 'dataset' (--data, $PAIRAID_DATA): {err}") from None
    builtin = value in BUILTIN
    data = read_regions(builtin_path(value), name=value) if builtin else read_regions(Path(value))
    source = "built-in" if builtin else str(data.path)
    label = data.name if builtin else f"{data.name} (folder {source})"
    config = make_config(
        with_dataset_defaults(data.defaults, {}), origin=str(data.path / "defaults.toml")
    ).model_copy(update={"exclude_recipients": ()})
    try:
        recipients, donors = select_regions(data, config)
    except ConfigError as err:
        raise ConfigError(
            f"data set {label}: {err}; for the service, set them in the data "
            "set's defaults.toml (recipients = [...], donors_level = ...)"
        ) from None
    regions: dict[str, Region] = {}
    for row in data.regions.to_dict("records"):
        name_en = str(row["name_en"])
        regions[str(row["region_code"])] = Region(
            code=str(row["region_code"]),
            gb2260=_text(row.get("gb2260_code")),
            name_en=name_en,
            name_local=_text(row.get("name_zh")) or _text(row.get("name_local")) or name_en,
            lat=float(row["latitude"]),
            lon=float(row["longitude"]),
        )
    kinds = {**{c: "donor" for c in donors}, **{c: "recipient" for c in recipients}}
    return ServiceRegions(
        dataset=data.name,
        source=source,
        regions=regions,
        kinds=kinds,
        boundaries=data.boundaries,
    )


def _text(value: object) -> str | None:
    """A cell of ``regions.csv`` as text; ``None`` when empty (read as NaN or None)."""
    return value if isinstance(value, str) and value else None
