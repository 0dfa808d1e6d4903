"""How much likelier a given name is with a surname than chance: naming cultures.

Term-frequency adjustment weighs agreeing on a given name and on a surname as if the two were
chosen independently, so agreeing on "Ikechukwu" and on "Nwosu" counts as two rare
coincidences. They are not independent: given names and surnames come from the same naming
culture, and among the few people with a Nigerian given name a Nigerian surname is no
coincidence. Two strangers called Ikechukwu Nwosu are therefore far commoner than the product
of the two frequencies says, and without a date of birth or an address to tell them apart the
model would join them.

The cultures are learnt from the names themselves, as a latent-class model (probabilistic
latent semantic analysis) of which given names appear with which surnames. For the pair of
names two records agree on, the *lift* is how much more often that given name appears with
that surname than chance, judged from the other names each keeps company with: the records
that agree are left out of the judgement, and so are other spellings of the pair's own names
(a typing error must not count as a culture). Where names mix freely (a population of one
culture, or FEBRL's independently drawn names) the lift is about 1 and nothing changes.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

__all__ = ["CultureModel", "culture_lift"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

_COMPONENTS = 16
"""Latent naming cultures; more than the cultures present costs little but time."""

_ITERATIONS = 20
"""Expectation-maximisation passes (the lifts change little after about 15)."""

_SMOOTH = 0.3
"""Pseudo-count of every name in every culture. It keeps the fit from inventing cultures out
of chance: on independently drawn names the lift stays within about 1 +/- 0.5."""

_PRIOR_WEIGHT = 2.0
"""Pseudo-observations of the overall mix of cultures behind each name's own: a name seen with
one other surname is judged half by it and half by the population."""


@dataclass(frozen=True, slots=True)
class CultureModel:
    """The fitted cultures: their weights and, for each distinct name pair, the culture
    responsibilities."""

    weights: FloatArray
    """Share of name pairs in each culture (sums to 1)."""
    responsibilities: FloatArray
    """(pairs, cultures): how far each pair belongs to each culture."""


def _sums(owner: IntArray, resp: FloatArray, size: int) -> FloatArray:
    """(size, cultures): the responsibilities of the pairs of each owner, summed (one
    bincount over every (owner, culture) cell)."""
    k = resp.shape[1]
    cells = (owner[:, None] * k + np.arange(k)[None, :]).ravel()
    total = np.bincount(cells, weights=resp.ravel(), minlength=size * k)
    return np.asarray(total, dtype=np.float64).reshape(size, k)


def _fit(given: IntArray, surname: IntArray, seed: int) -> CultureModel:
    """Latent-class fit of distinct (given, surname) pairs, one observation each."""
    rng = np.random.default_rng(seed)
    pairs, k = len(given), _COMPONENTS
    n_given, n_surname = int(given.max()) + 1, int(surname.max()) + 1
    resp = rng.dirichlet(np.ones(k), size=pairs)
    for _ in range(_ITERATIONS):
        weights = resp.sum(axis=0) / pairs
        phi = _sums(given, resp, n_given) + _SMOOTH  # (names, cultures)
        psi = _sums(surname, resp, n_surname) + _SMOOTH
        phi /= phi.sum(axis=0, keepdims=True)
        psi /= psi.sum(axis=0, keepdims=True)
        resp = weights[None, :] * phi[given] * psi[surname]
        resp /= resp.sum(axis=1, keepdims=True)
    return CultureModel(resp.sum(axis=0) / pairs, resp)


def _membership(
    owner: IntArray, other_key: IntArray, resp: FloatArray, weights: FloatArray
) -> FloatArray:
    """Culture mix of each pair's name (``owner``) from the pairs it appears in, leaving out
    the pairs whose other name has the same key as this pair's (its own spellings)."""
    total = _sums(owner, resp, int(owner.max()) + 1)
    # Sums over pairs sharing (owner, other key): the pair itself and its own spellings.
    group = owner * (int(other_key.max()) + 1) + other_key
    _, inverse = np.unique(group, return_inverse=True)
    own = _sums(inverse.astype(np.int64), resp, int(inverse.max()) + 1)
    rest = total[owner] - own[inverse]
    count = rest.sum(axis=1, keepdims=True)
    mix: FloatArray = (np.clip(rest, 0.0, None) + _PRIOR_WEIGHT * weights) / (
        np.clip(count, 0.0, None) + _PRIOR_WEIGHT
    )
    return mix


def culture_lift(
    given: IntArray,
    surname: IntArray,
    given_key: IntArray,
    surname_key: IntArray,
    seed: int = 42,
) -> FloatArray:
    """Lift of each distinct (given, surname) pair: P(both) / (P(given) P(surname)) under
    the naming cultures, each name judged by the company it keeps apart from this pair.

    ``given`` and ``surname`` are integer codes of the names of each distinct pair;
    ``given_key`` and ``surname_key`` codes of a looser form (a phonetic key) whose equal
    values count as spellings of one name.

    >>> import numpy as np
    >>> # two cultures of one size: given names 0-9 go with surnames 0-9, 10-19 with 10-19
    >>> g = np.array([a for a in range(20) for b in range(20) if (a < 10) == (b < 10)])
    >>> s = np.array([b for a in range(20) for b in range(20) if (a < 10) == (b < 10)])
    >>> lift = culture_lift(g, s, g, s)  # the true lift is 2
    >>> bool(1.5 < lift.min() <= lift.max() < 2.0)
    True
    """
    if len(given) < 2:
        return np.ones(len(given))
    fitted = _fit(given, surname, seed)
    weights = fitted.weights
    of_given = _membership(given, surname_key, fitted.responsibilities, weights)
    of_surname = _membership(surname, given_key, fitted.responsibilities, weights)
    lift: FloatArray = (of_given * of_surname / weights[None, :]).sum(axis=1)
    return lift
