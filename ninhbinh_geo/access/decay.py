"""Distance-decay functions of travel time: how much a supply or a demand counts at t minutes.

Every decay is a :class:`Decay`: a weight in [0, 1] (the gravity decay may exceed 1 under its
floor) for a travel time in minutes, 0 beyond the catchment ``max_min`` and for unreachable
pairs (NaN or inf). The forms:

- :func:`step`: 1 within ``max_min``, 0 beyond (the catchment of the 2SFCA of Luo & Wang 2003);
- :func:`zones`: a weight per travel-time zone, the enhanced 2SFCA of Luo & Qi (2009), whose
  zones 0–10, 10–20, 20–30 min weigh 1, 0.68, 0.22 (:data:`LUO_QI_ZONES`, also the default
  of pysal ``access``); a time on a zone's upper bound belongs to that zone;
- :func:`power`: the gravity decay ``max(t, min_min) ** -beta`` (Hansen 1959), floored at
  ``min_min`` so that a site on its hub does not weigh infinitely;
- :func:`gaussian`: ``exp(-t² / (2 σ²))`` (as pysal ``access.weights.gaussian``; not the
  rescaled form of Dai 2010).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .._errors import SchemaError

__all__ = ["LUO_QI_ZONES", "Decay", "gaussian", "power", "step", "zones"]

#: Zones (upper bound in minutes: weight) of the enhanced 2SFCA of Luo & Qi (2009).
LUO_QI_ZONES = {10.0: 1.0, 20.0: 0.68, 30.0: 0.22}


@dataclass(frozen=True)
class Decay:
    """A decay of weight with travel time, cut at ``max_min`` (no cut when None).

    Attributes
    ----------
    kind : {"step", "zones", "power", "gaussian"}
        The form.
    max_min : float or None
        The catchment: weight 0 for times above it.
    params : tuple
        The form's parameters: zones as ``((upper_min, weight), …)``, ``(beta, min_min)`` for
        power, ``(sigma_min,)`` for gaussian.
    """

    kind: str
    max_min: float | None
    params: tuple = ()

    def __call__(self, minutes: np.ndarray) -> np.ndarray:
        """Return the weight of every travel time (minutes; NaN or inf: unreachable, 0)."""
        t = np.asarray(minutes, dtype=float)
        ok = np.isfinite(t)
        if self.max_min is not None:
            ok &= t <= self.max_min
        tt = np.where(ok, t, 0.0)
        if self.kind == "step":
            w = np.ones_like(tt)
        elif self.kind == "zones":
            bounds = np.array([b for b, _ in self.params])
            weights = np.array([w for _, w in self.params] + [0.0])
            w = weights[np.searchsorted(bounds, tt, side="left")]
        elif self.kind == "power":
            beta, floor = self.params
            w = np.maximum(tt, floor) ** -beta
        else:
            (sigma,) = self.params
            w = np.exp(-tt * tt / (2 * sigma * sigma))
        return np.where(ok, w, 0.0)

    def describe(self) -> str:
        """Return the decay in words, for tables and reports.

        Examples
        --------
        >>> zones({10: 1, 20: 0.5}).describe()
        'zones ≤10 min: 1, ≤20 min: 0.5'
        """
        if self.kind == "step":
            return f"step, 1 within {self.max_min:g} min"
        if self.kind == "zones":
            return "zones " + ", ".join(f"≤{b:g} min: {w:g}" for b, w in self.params)
        cut = "" if self.max_min is None else f", 0 beyond {self.max_min:g} min"
        if self.kind == "power":
            return f"power max(t, {self.params[1]:g})^-{self.params[0]:g}{cut}"
        return f"gaussian sigma {self.params[0]:g} min{cut}"


def _positive(name: str, value: object) -> float:
    if not isinstance(value, int | float) or not np.isfinite(value) or value <= 0:
        raise SchemaError(f"{name} must be a positive number of minutes, not {value!r}.")
    return float(value)


def step(max_min: float) -> Decay:
    """Weigh 1 within ``max_min`` minutes, 0 beyond: the 2SFCA catchment.

    Examples
    --------
    >>> step(30)(np.array([0, 30, 30.5, np.nan])).tolist()
    [1.0, 1.0, 0.0, 0.0]
    """
    return Decay("step", _positive("max_min", max_min))


def zones(weights: Mapping[float, float] = LUO_QI_ZONES) -> Decay:
    """Weigh each travel-time zone: ``{upper bound in minutes: weight}``, 0 beyond the last.

    Examples
    --------
    >>> zones()(np.array([5, 10, 15, 25, 31])).tolist()
    [1.0, 1.0, 0.68, 0.22, 0.0]
    """
    if not weights:
        raise SchemaError("zones need at least one {upper_min: weight} pair.")
    items = sorted((_positive("zone bound", b), float(w)) for b, w in weights.items())
    if any(not (w >= 0) for _, w in items):
        raise SchemaError(f"zone weights must be >= 0, not {dict(weights)!r}.")
    return Decay("zones", items[-1][0], tuple(items))


def power(beta: float, *, min_min: float = 1.0, max_min: float | None = None) -> Decay:
    """Gravity decay ``max(t, min_min) ** -beta``, optionally cut at ``max_min``.

    Examples
    --------
    >>> power(2, min_min=1)(np.array([0.5, 2, 10])).tolist()
    [1.0, 0.25, 0.01]
    """
    beta = _positive("beta", beta)
    floor = _positive("min_min", min_min)
    return Decay("power", None if max_min is None else _positive("max_min", max_min), (beta, floor))


def gaussian(sigma_min: float, *, max_min: float | None = None) -> Decay:
    """Gaussian decay ``exp(-t² / (2 sigma²))``, optionally cut at ``max_min``.

    Examples
    --------
    >>> round(float(gaussian(20)(np.array([20.0]))[0]), 6)
    0.606531
    """
    cut = None if max_min is None else _positive("max_min", max_min)
    return Decay("gaussian", cut, (_positive("sigma_min", sigma_min),))
