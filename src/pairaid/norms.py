"""The staffing norm sets pairaid knows, by name: one registry, with no data stack imported.

The tables themselves are read by :mod:`pairaid.needs`; this module holds only the names, so
that the help of ``--norms`` (``pairaid plan --help``, ``check-needs --help``) and the message
for an unknown name list the same sets.
"""

from __future__ import annotations

DEFAULT_NORM_SET = "covid-2020"
"""Staffing norm set used unless ``--norms`` names another or the data set's
``parameters.csv`` gives its own staff-per-patient ratios (:data:`PARAMETER_NORM_SET`)."""

PARAMETER_NORM_SET = "parameters.csv"
"""Name of the norm set a data set defines in its ``parameters.csv`` with the ratio
parameters ``doctors_per_ward_patient``, ``nurses_per_ward_patient``,
``doctors_per_icu_patient`` and ``nurses_per_icu_patient`` [staff per patient] (ward ratios
apply to mild and severe patients, ICU ratios to critical ones)."""

NORM_SETS: dict[str, str] = {
    DEFAULT_NORM_SET: "WHO workforce estimator, COVID-19 shifts",
    "ordinary": "pre-2020 ward/ICU minimums",
    PARAMETER_NORM_SET: "the data set's own staff-per-patient ratios",
}
"""Every staffing norm set, name -> what it is: the one list the help of ``--norms`` and the
message for an unknown name come from. All but :data:`PARAMETER_NORM_SET` are rows of
``data/norms/staffing_norms.csv``; that one exists when a data set's ``parameters.csv`` gives
the :data:`RATIO_PARAMETERS`."""

NORMS_HELP = ("Staffing norm set: " + ", ".join(f"{n} ({w})" for n, w in NORM_SETS.items())
              + " [default: the data set's ratios if its parameters.csv has them, else "
              f"{DEFAULT_NORM_SET}].")
"""Help text of the ``--norms`` option (``plan``, ``check-needs``)."""

RATIO_PARAMETERS = ("doctors_per_ward_patient", "nurses_per_ward_patient",
                    "doctors_per_icu_patient", "nurses_per_icu_patient")

__all__ = ["DEFAULT_NORM_SET", "NORMS_HELP", "NORM_SETS", "PARAMETER_NORM_SET",
           "RATIO_PARAMETERS"]
