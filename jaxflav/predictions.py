"""b→sℓℓ observables by flavio name, as one batched, differentiable function of Wilson coefficients.

    predict = Predictions([("<dBR/dq2>(B0->K*mumu)", 1.1, 2.5), ("BR(Bs->mumu)",)])
    predict({"C9_bsmumu": -1.0})                          # constant shifts
    predict({"C9_bsmumu": lambda q2: bw(q2)})             # any JAX function of q²
    predict(Resonance.from_names(M, Γ, {"C9_bsmumu": (a, b)}))  # one s-channel boson, exact bins (GeV²)
    jax.vmap(lambda p: predict(lambda q2: model(p, q2)))(points)

Building `Predictions` fixes the observables, bins and inputs (static); it computes, once, the
quadratic form rᵀQr of every rate at every quadrature node (`jaxflav.observables.forms`). A call
then evaluates the user's coefficients at the nodes, one small form per node, and combines the
binned integrals into the observables (ratios for FL, AFB, P5′ and R, as flavio defines them).
New-physics coefficients are shifts from the SM at μ_b = 4.8 GeV, WCxf names (`jaxflav.wcxf`).
"""

import re
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np

from jaxflav import inputs as sm_inputs
from jaxflav import nuisances as jaxflav_nuisances
from jaxflav import wcxf, wilson
from jaxflav.observables import b_to_pll, b_to_vll, b_to_xsll, bs_to_ll, forms, qcdf, resonant
from kernels.validate import concrete


class Mode(NamedTuple):
    family: str  # "vll", "pll", "xsll", "bll"
    process: str
    lepton: str


def _modes():
    modes = {}
    for proc in b_to_vll.PROCESSES:
        for lep, ll in wcxf.LEPTONS.items():
            modes[f"{proc}{ll}"] = Mode("vll", proc, lep)
    for proc in b_to_pll.PROCESSES:
        for lep, ll in wcxf.LEPTONS.items():
            modes[f"{proc}{ll}"] = Mode("pll", proc, lep)
    for lep, ll in wcxf.LEPTONS.items():
        modes[f"B->Xs{ll}"] = Mode("xsll", "B->Xs", lep)
        modes[f"Bs->{ll}"] = Mode("bll", "Bs", lep)
        modes[f"B0->{ll}"] = Mode("bll", "B0", lep)  # the SM: b → d operators are not in the form vector
    return modes


MODES = _modes()
# flavio's CP-averaged B→K*ℓℓ angular observables (LHCb conventions): the components (CP sums of
# the LHCb-convention angular coefficients, `b_to_vll.rates`) and how their values (binned:
# their bin integrals, as flavio) combine. S_i, A_FB, F_L over Γ + Γ̄; P_1,2,3 over J_2s; P′ over
# 2√(−J_2s J_2c).
_ANGULAR = {
    **{f"S{i}": ((f"J{i}", "SA_den"), lambda v: v[0] / v[1]) for i in (3, 4, 5, 7, 8, 9)},
    "AFB": (("J6s", "J6c", "SA_den"), lambda v: (0.75 * v[0] + 0.375 * v[1]) / v[2]),
    "FL": (("J2c", "SA_den"), lambda v: -v[0] / v[1]),
    "P1": (("J3", "J2s"), lambda v: v[0] / (2 * v[1])),
    "P2": (("J6s", "J2s"), lambda v: v[0] / (8 * v[1])),
    "P3": (("J9", "J2s"), lambda v: -v[0] / (4 * v[1])),
    **{f"P{p}p": ((f"J{j}", "J2s", "J2c"), lambda v: v[0] / (2 * jnp.sqrt(-v[1] * v[2]))) for p, j in ((4, 4), (5, 5), (6, 7), (8, 8))},
}
_KINDS = {
    "vll": ("dBR/dq2", "<dBR/dq2>", "<BR>", *_ANGULAR, *(f"<{a}>" for a in _ANGULAR)),
    "pll": ("dBR/dq2", "<dBR/dq2>", "<BR>"),
    "xsll": ("dBR/dq2", "<dBR/dq2>", "<BR>"),
    "bll": ("BR",),
}
_RATIO_MODES = {"B+->Kll": "B+->K", "B0->Kll": "B0->K", "B0->K*ll": "B0->K*", "B+->K*ll": "B+->K*"}
_NAME = re.compile(r"^(?P<kind><dBR/dq2>|<BR>|dBR/dq2|<Rmue>|BR|<?(?:" + "|".join(_ANGULAR) + r")>?)\((?P<mode>[^()]+)\)$")


def known_observables():
    """Every observable name jaxflav's b→sℓℓ engine evaluates (flavio's names)."""
    names = [f"{kind}({mode})" for mode, m in MODES.items() for kind in _KINDS[m.family]]
    # B_s → φ: the time-integrated F_L, S_3, S_4, S_7 that flavio defines (the others need the tagged decay)
    names = [n for n in names if not ("Bs->phi" in n and n.lstrip("<").startswith(tuple(_ANGULAR)) and n.lstrip("<")[:2] not in ("FL", "S3", "S4", "S7"))]
    return sorted(names + [f"<Rmue>({mode})" for mode in _RATIO_MODES])


KNOWN = frozenset(known_observables())


class Component(NamedTuple):
    """One integral (or point value) of one quadratic quantity: the unit the forms are built for."""

    mode: Mode
    quantity: str
    q2min: float
    q2max: float  # equal to q2min for a point value


def _parse(observable):
    name, *args = observable if isinstance(observable, tuple | list) else (observable,)
    if name not in KNOWN:
        raise ValueError(f"unknown observable {name!r}; known: {', '.join(sorted(KNOWN))}")
    kind, mode = _NAME.match(name).group("kind", "mode")
    binned = kind.startswith("<")
    n_args = 0 if kind == "BR" else (2 if binned else 1)
    if len(args) != n_args:
        raise ValueError(f"{name} takes {n_args} argument(s) ({'q2min, q2max' if binned else 'q2'}), got {len(args)}")
    args = tuple(_static(a, name) for a in args)
    if any(not np.isfinite(a) for a in args):
        raise ValueError(f"{name}: q² arguments must be finite, got {args}")
    if binned and not args[0] < args[1]:
        raise ValueError(f"{name}: bin ({args[0]}, {args[1]}) must have q2min < q2max")
    return name, kind, mode, args


def _static(value, name):
    arr = concrete(value)
    if arr is None or arr.ndim:
        raise ValueError(f"{name}: q² arguments must be plain numbers (they fix the quadrature nodes), got {value!r}")
    return float(arr)


MAX_PAST_END = 0.1  # the part of a <dBR/dq2> bin allowed past the kinematic end (LHCb's B_s→φμμ [15, 19]: 2.7 %)


def _check_range(name, mode, args, inputs):
    lo, hi = _kinematic_range(mode, inputs)
    if len(args) == 1 and not lo < args[0] <= hi:
        raise ValueError(f"{name}: q² = {args[0]} GeV² outside the kinematic range ({lo:.6g}, {hi:.6g}]")
    if len(args) == 2 and (args[0] < 0 or args[0] >= hi or args[1] <= lo):
        raise ValueError(f"{name}: bin ({args[0]}, {args[1]}) GeV² does not overlap the kinematic range ({lo:.6g}, {hi:.6g})")
    # <dBR/dq2> averages over the whole bin (as flavio); a bin mostly past the end would be an average over nothing
    if len(args) == 2 and name.startswith("<dBR/dq2>") and args[1] - hi > MAX_PAST_END * (args[1] - args[0]):
        raise ValueError(f"{name}: bin ({args[0]}, {args[1]}) GeV² reaches {args[1] - hi:.3g} GeV² past the kinematic end "
                         f"{hi:.6g} GeV², more than {MAX_PAST_END:.0%} of the bin its average divides by; end the bin at {hi:.4g}")  # fmt: skip


def _kinematic_range(mode, inputs):
    m_l = sm_inputs.lepton_mass(mode.lepton, inputs)
    if mode.family == "vll":
        return 4 * m_l**2, b_to_vll.q2_max(mode.process, inputs)
    if mode.family == "pll":
        return 4 * m_l**2, b_to_pll.q2_max(mode.process, inputs)
    if mode.family == "xsll":
        return 4 * m_l**2, b_to_xsll.DEFAULT_BXLL.m_b_pole**2  # the partonic endpoint, where its forms vanish
    return 0.0, inputs.m_Bs**2


def _recipe(kind, mode_name, args):
    """The components of one observable and how to combine their values into it."""
    if kind == "<Rmue>":
        family = "vll" if "K*" in mode_name else "pll"
        proc = _RATIO_MODES[mode_name]
        mu, e = (Component(Mode(family, proc, lep), "dBR/dq2", *args) for lep in ("mu", "e"))
        return [mu, e], lambda v: v[0] / v[1]
    mode = MODES[mode_name]
    lo, hi = (args[0], args[0]) if len(args) == 1 else (args if args else (0.0, 0.0))
    comp = lambda quantity: Component(mode, quantity, lo, hi)  # noqa: E731
    base = kind.strip("<>")
    if base in ("dBR/dq2", "BR"):
        width = hi - lo if kind == "<dBR/dq2>" else 1.0
        quantity = "BR" if mode.family == "bll" else "dBR/dq2"
        return [comp(quantity)], lambda v: v[0] / width
    quantities, combine = _ANGULAR[base]  # binned: ratios of bin integrals, as flavio forms them
    return [comp(q) for q in quantities], combine


def _xsll_rate(x, M):
    return jnp.real(jnp.conj(x) @ M @ x)[None]


def _quantities(mode, inputs):
    """(nodes(q2) → per-node data, rate(x, node) → vector of quantities, their names) for `mode`."""
    m_l = sm_inputs.lepton_mass(mode.lepton, inputs)
    if mode.family == "vll":
        return (lambda q2, sm: b_to_vll.nodes(q2, mode.process, m_l, inputs, sm)), b_to_vll.rates, b_to_vll.QUANTITIES
    if mode.family == "pll":
        return (lambda q2, sm: b_to_pll.nodes(q2, mode.process, m_l, inputs, sm)), b_to_pll.rates, b_to_pll.QUANTITIES
    if mode.family == "xsll":
        return (lambda q2, sm: b_to_xsll.forms(q2, mode.lepton, inputs=inputs)), _xsll_rate, ("dBR/dq2",)
    return (lambda q2, sm: jnp.asarray(q2)), _bll_rate(mode.process, m_l, inputs), ("BR",)


def _bll_rate(process, m_l, inputs):
    rate = bs_to_ll.branching_ratio if process == "Bs" else bs_to_ll.b0_branching_ratio
    return lambda x, _: rate(x, m_l, inputs)[None]


def _nodes(component, inputs):
    mode = component.mode
    if mode.family == "bll":
        return np.array([inputs.m_Bs**2]), np.ones(1)
    if component.q2min == component.q2max:
        return np.array([component.q2min]), np.ones(1)
    lo, hi = _kinematic_range(mode, inputs)
    return forms.bin_nodes(component.q2min, min(component.q2max, hi), lo)


def _map(component, inputs):
    """The bin map (threshold, s0, s1, n) of `forms.bin_map` behind `_nodes`, None for point values."""
    if component.mode.family == "bll" or component.q2min == component.q2max:
        return None
    lo, hi = _kinematic_range(component.mode, inputs)
    return (lo, *forms.bin_map(component.q2min, min(component.q2max, hi), lo))


def _forms_for(mode, components, inputs, sm_at, size):
    """Q (with quadrature weights folded in) at every node of `components`, all of one mode.

    `sm_at(q2)` gives the SM effective coefficients at those nodes (computed once for all modes)."""
    node_data, rate, names = _quantities(mode, inputs)
    nodes = [_nodes(c, inputs) for c in components]
    q2 = np.concatenate([n[0] for n in nodes])
    padded = _pad(q2, size)
    Q_all = forms.quadratic_form(rate, node_data(padded, sm_at(padded) if mode.family in ("vll", "pll") else None))[: len(q2)]
    out, start = [], 0
    for c, (q, w) in zip(components, nodes):
        Q = Q_all[start : start + len(q), names.index(c.quantity)] * w[:, None, None]
        out.append((q, Q))
        start += len(q)
    return out


def _size_class(n):
    """The next power of two ≥ max(n, 64): node arrays are padded to it, so the node builders
    compile once per size class instead of once per bin layout."""
    return max(64, 1 << (n - 1).bit_length())


def _pad(q2, size):
    return np.concatenate([q2, np.full(size - len(q2), q2[-1])])


def _sm_effective_for(components, inputs, with_slope=False):
    """The SM effective coefficients at every node of `components` in one jitted call, and a lookup
    (`with_slope`: also their slope in ξ_u/ξ_t, for CKM nuisances)."""
    if not components:
        return None
    q2 = np.unique(np.concatenate([_nodes(c, inputs)[0] for c in components]))
    padded = jnp.asarray(_pad(q2, _size_class(len(q2))))
    sm = b_to_vll.sm_effective(padded, inputs)
    slope, r0 = (b_to_vll.xi_ratio_slope(padded, inputs), wilson._xi_ratio(inputs, False)) if with_slope else (None, None)

    def at(nodes, xi_ratio=None):
        """At the nodes; with `xi_ratio` (ξ_u/ξ_t at a CKM nuisance point) moved along the slope."""
        index = jnp.asarray(np.searchsorted(q2, nodes))
        out = sm._replace(c7=sm.c7[index], c9=sm.c9[index], c7bar=sm.c7bar[index], c9bar=sm.c9bar[index])
        if xi_ratio is None:
            return out
        d = xi_ratio - r0
        move = lambda a, s, dr: a + dr * s[index]  # noqa: E731
        return out._replace(c7=move(out.c7, slope.c7, d), c9=move(out.c9, slope.c9, d),
                            c7bar=move(out.c7bar, slope.c7bar, jnp.conj(d)), c9bar=move(out.c9bar, slope.c9bar, jnp.conj(d)))  # fmt: skip

    return at


class Group(NamedTuple):
    """The static data of one lepton's components."""

    lepton: str
    Q: jnp.ndarray  # (n_nodes, n, n) weighted forms at every component's nodes
    seg: np.ndarray  # (n_nodes,) each node's component (position in `order`)
    Qsum: jnp.ndarray  # (n_comp, n, n) their sums (constant coefficients)
    order: np.ndarray  # component indices
    plan: resonant.Plan
    kept: np.ndarray  # the form vector's entries the forms keep
    r0: np.ndarray  # the SM real vector on them
    distinct: np.ndarray  # the distinct q² of the nodes
    inverse: np.ndarray  # (n_nodes,) each node's index in `distinct`


class Batch(NamedTuple):
    """Modes the nuisance path evaluates in one vmap over their nodes (`_direct_plan`)."""

    family: str
    modes: tuple  # one Mode per segment of the node axis
    counts: tuple  # each mode's number of nodes
    q2: np.ndarray  # each mode's distinct nodes, concatenated
    entries: list  # [(quantity index, component indices, dense (components, nodes) weights)]
    spectator: tuple | None  # B→Vℓℓ: QCDF corrections at the nodes (`_spectator`)


def _direct_plan(components, inputs):
    """The `Batch`es of the components the nuisance path recomputes (all but B→X_sℓℓ).

    Every quantity of a node comes from one evaluation, so the components of a bin (the angular
    coefficients) share their nodes' amplitudes. The B→Vℓℓ modes (B→Pℓℓ modes) of all processes
    and leptons run as one vmap over their nodes, time-integrated B_s modes apart (their mixing
    term): a few large vectorised evaluations instead of one per mode. The weights of one quantity
    form a dense (components, nodes) matrix, so that a gradient is a matrix product, not a scatter."""
    by_mode = {}
    for index, c in enumerate(components):
        if c.mode.family != "xsll":
            by_mode.setdefault(c.mode, []).append((index, c))
    groups = {}
    for mode in by_mode:
        key = (mode.family, mode.family == "vll" and b_to_vll.PROCESSES[mode.process].mixing) if mode.family != "bll" else mode
        groups.setdefault(key, []).append(mode)
    plan = []
    for modes in groups.values():
        names, q2, by_quantity, offset = _quantities(modes[0], inputs)[2], [], {}, 0
        for mode in modes:
            items = by_mode[mode]
            nodes = [_nodes(c, inputs) for _, c in items]
            q2.append(np.unique(np.concatenate([q for q, _ in nodes])))  # not padded: every node costs each point
            for (index, c), (q, w) in zip(items, nodes):
                by_quantity.setdefault(names.index(c.quantity), []).append((index, offset + np.searchsorted(q2[-1], q), w))
            offset += len(q2[-1])
        entries = []
        for k, rows in sorted(by_quantity.items()):
            W = np.zeros((len(rows), offset))
            for row, (_, at, w) in enumerate(rows):
                np.add.at(W[row], at, w)
            entries.append((k, np.array([index for index, _, _ in rows]), W))
        family = modes[0].family
        spectator = tuple(tuple(np.concatenate(parts) for parts in zip(*cp)) for cp in zip(*(_spectator(m.process, q, inputs) for m, q in zip(modes, q2)))) if family == "vll" else None
        plan.append(Batch(family, tuple(modes), tuple(len(q) for q in q2), np.concatenate(q2), entries, spectator))
    return plan


def _per_node(trees, counts):
    """One pytree from one per mode, and its vmap axes: a leaf the same in every mode stays shared
    (axis None), any other becomes an array over the concatenated nodes (axis 0)."""
    leaves, treedef = jax.tree_util.tree_flatten(trees[0])
    columns = zip(*(jax.tree_util.tree_leaves(t) for t in trees))
    out, axes = [], []
    for first, column in zip(leaves, columns):
        shared = all(v is first for v in column) or all(isinstance(v, float | int) and v == first for v in column)
        out.append(first if shared else jnp.concatenate([jnp.broadcast_to(v, (n, *jnp.shape(v))) for v, n in zip(column, counts)]))
        axes.append(None if shared else 0)
    return jax.tree_util.tree_unflatten(treedef, out), jax.tree_util.tree_unflatten(treedef, axes)


def _node_columns(columns, counts):
    """The form vector's columns over a batch's nodes from each mode's `wcxf.form_columns` (numbers,
    or arrays over the mode's nodes), and their vmap axes: a column equal to the same plain number
    in every mode stays that number (axis None), so absent coefficients cost nothing."""
    out, axes = [], []
    for column in zip(*columns):
        if all(isinstance(v, float | int) and v == column[0] for v in column):
            out.append(column[0])
            axes.append(None)
        else:
            out.append(jnp.concatenate([jnp.broadcast_to(jnp.asarray(v, dtype=complex), (n,)) for v, n in zip(column, counts)]))
            axes.append(0)
    return (tuple(out), tuple(axes))


def _spectator(process, q2, inputs):
    """The QCDF corrections (H_0^V, H_+^V, H_−^V) of a B→Vℓℓ process at the nodes q2, for the decay
    and its CP conjugate: NumPy constants, as they do not depend on the nuisances."""
    tab = b_to_vll.hadronic(process, inputs).qcdf
    return tuple(tuple(np.asarray(qcdf.vector_amplitudes(q2, tab, cp))) for cp in (False, True))


class Predictions:
    """A batched, jittable map from Wilson coefficients to a fixed list of observables.

    `observables`: names, or tuples (name, q2) / (name, q2min, q2max) as in flavio's
    `np_prediction(name, wc, *args)`. `coefficients`: the WCxf names calls may set (default: all
    of `jaxflav.wcxf.NAMES`); the forms keep only those directions, so a C9/C10 fit evaluates
    6×6 real forms per node instead of 22×22 — a call that sets another coefficient is a
    ValueError, and a `Resonance` is read only in these columns. `nuisances`: names of theory
    nuisance parameters (`jaxflav.nuisances`, flavio's), or "acting" for those that move these
    observables (`jaxflav.nuisances.acting_on`), that a call may set (`predict(wc, θ)`): those
    calls rebuild the amplitudes at the nodes (B→X_sℓℓ stays at the central inputs). Raises
    ValueError for unknown names, bad bins or q² outside the kinematic range, before anything is
    compiled.
    """

    def __init__(self, observables, inputs: sm_inputs.Inputs = sm_inputs.DEFAULT, coefficients=None, nuisances=None):
        parsed = [_parse(o) for o in observables]
        for name, kind, mode, args in parsed:
            if kind != "<Rmue>":
                _check_range(name, MODES[mode], args, inputs)
        self.names = [p[0] for p in parsed]
        self.args = [p[3] for p in parsed]
        components, self._recipes = {}, []
        for _, kind, mode, args in parsed:
            comps, combine = _recipe(kind, mode, args)
            self._recipes.append(([components.setdefault(c, len(components)) for c in comps], combine))
        if coefficients is not None:
            coefficients = tuple(coefficients)
            if isinstance(coefficients, str) or not all(isinstance(c, str) for c in coefficients):
                raise ValueError(f"coefficients must be a list of WCxf names, got {coefficients!r}")
            wcxf.check_names(coefficients)
        self.coefficients = frozenset(wcxf.NAMES if coefficients is None else coefficients)
        self._components = list(components)
        if isinstance(nuisances, str) and nuisances == "acting":
            nuisances = jaxflav_nuisances.acting_on(self.processes)
        prior = jaxflav_nuisances.prior(nuisances) if nuisances is not None else None
        self.nuisances, self._nuisance_central = (prior.names, prior.central) if prior else ((), np.zeros(0))
        self._inputs = inputs
        self._build(self._components, inputs)

    @property
    def processes(self) -> tuple:
        """The processes whose amplitudes the nuisances move ("B0->K*", "B+->K", "Bs" …; not B→X_sℓℓ),
        for `jaxflav.nuisances.acting_on`."""
        return tuple(dict.fromkeys(c.mode.process for c in self._components if c.mode.family != "xsll"))

    @property
    def moved(self) -> np.ndarray:
        """Per observable: whether theory nuisances move it (all but B→X_sℓℓ)."""
        return np.array([any(self._components[i].mode.family != "xsll" for i in idx) for idx, _ in self._recipes])

    def _kept(self, lepton):
        """The form vector's entries (complex indices) the forms keep for `lepton`: the SM's and
        those of `self.coefficients`."""
        return np.array([0] + [1 + k for k, c in enumerate(wcxf.COEFFICIENTS) if wcxf.wcxf_name(c, lepton) in self.coefficients])

    def _build(self, components, inputs):
        by_lepton = {}
        for index, c in enumerate(components):
            by_lepton.setdefault(c.mode.lepton, {}).setdefault(c.mode, []).append((index, c))
        self._groups = []
        sm_at = self._sm_at = _sm_effective_for([c for c in components if c.mode.family in ("vll", "pll")], inputs, bool(self.nuisances))
        self._direct = _direct_plan(components, inputs)
        self._forms_needed = sum(len(index) for batch in self._direct for _, index, _ in batch.entries) < len(components)
        per_mode = {}
        for c in components:
            per_mode[c.mode] = per_mode.get(c.mode, 0) + len(_nodes(c, inputs)[0])
        size = _size_class(max(per_mode.values()))
        for lepton, modes in by_lepton.items():
            q2, Q, seg, Qsum, order, maps, weights = [], [], [], [], [], [], []
            for mode, items in modes.items():
                for (index, c), (q, Qc) in zip(items, _forms_for(mode, [c for _, c in items], inputs, sm_at, size)):
                    q2.append(q)
                    Q.append(Qc)
                    seg.append(np.full(len(q), len(order)))
                    Qsum.append(Qc.sum(axis=0))
                    order.append(index)
                    maps.append(_map(c, inputs))
                    weights.append(_nodes(c, inputs)[1])
            kept = self._kept(lepton)
            real = np.concatenate([kept, wcxf.DIM + kept])  # of r = (Re x, Im x)
            Q, Qsum = np.concatenate(Q)[:, real][:, :, real], np.stack(Qsum)[:, real][:, :, real]
            q2 = np.concatenate(q2)
            r0 = np.asarray(forms.to_real(wcxf.form_vector({}, lepton, jnp.zeros(()))[kept]))
            plan = resonant.plan(q2, Q, r0, maps, [len(s) for s in seg], np.concatenate(weights), np.arange(1, len(kept)))
            distinct, inverse = np.unique(q2, return_inverse=True)
            self._groups.append(Group(lepton, jnp.asarray(Q), np.concatenate(seg), jnp.asarray(Qsum), np.array(order), plan, kept, r0, distinct, inverse))
        self._n_components = len(components)

    def __call__(self, wc=None, nuisances=None):
        """Observables (array in the order given) for Wilson coefficients `wc`.

        `wc`: None (SM), a dict from WCxf names to numbers, arrays or functions of q², a function
        q² → such a dict (values broadcastable with q²), or a `jaxflav.wcxf.Resonance` (one
        s-channel boson, integrated over bins exactly for any width). `nuisances`: values of the
        `nuisances` these Predictions were built for (`jaxflav.nuisances`, flavio's units), an
        array in that order or a dict (names left out stay central); None: all central.
        """
        if nuisances is None:
            return self._combine(self._form_values(wc))
        if isinstance(wc, wcxf.Resonance):
            raise ValueError("nuisances with a Resonance are not supported yet: pass its coefficients as functions of q²")
        theta = self._nuisance_vector(nuisances)
        # the forms only for what the nuisance path does not recompute (B→X_sℓℓ)
        values = self._form_values(wc) if self._forms_needed else jnp.zeros(self._n_components)
        for index, value in self._direct_values(wc, theta):
            values = values.at[jnp.asarray(index)].set(value)
        return self._combine(values)

    def _combine(self, values):
        return jnp.stack([combine(values[jnp.array(idx)]) for idx, combine in self._recipes])

    def _nuisance_vector(self, nuisances):
        if isinstance(nuisances, dict):
            unknown = sorted(set(nuisances) - set(self.nuisances))
            if unknown:
                raise ValueError(f"these Predictions vary the nuisances {list(self.nuisances)}; not {unknown} (pass nuisances= to include them)")
            return jnp.stack([jnp.asarray(nuisances.get(n, c), dtype=float) for n, c in zip(self.nuisances, self._nuisance_central)])
        theta = jnp.asarray(nuisances, dtype=float)
        if theta.shape != (len(self.nuisances),):
            raise ValueError(f"nuisances: expected {len(self.nuisances)} values ({', '.join(self.nuisances) or 'none were named'}), got shape {theta.shape}")
        return theta

    def _direct_values(self, wc, theta):
        """[(component indices, values)] of the B→Vℓℓ, B→Pℓℓ and B_{s,d}→ℓℓ components at nuisance
        point θ: the amplitudes rebuilt at their nodes with the point's inputs, form factors and
        subleading shifts, C7,9^eff moved with its ξ_u/ξ_t (the QCDF spectator tables stay central, as
        flavio's)."""
        point = jaxflav_nuisances.point(self.nuisances, theta, self._inputs)
        out = []
        for batch in self._direct:
            columns = []
            for mode, q2 in zip(batch.modes, np.split(batch.q2, np.cumsum(batch.counts)[:-1])):
                coefficients = _coefficients(wc, jnp.asarray(q2))
                self._check_coefficients(coefficients)
                columns.append(wcxf.form_columns(coefficients, mode.lepton))
            quantities = self._batch_rates(batch, _node_columns(columns, batch.counts), point)
            out += [(index, jnp.asarray(W) @ quantities[k]) for k, index, W in batch.entries]
        return out

    def _batch_rates(self, batch, x, point):
        """The quantities (a tuple, each over the batch's nodes) at a nuisance point, from the form
        vector x at the nodes (`_node_columns`: its columns and their vmap axes)."""
        x, x_axes = x
        inputs, ff, sub = point
        if batch.family == "bll":
            mode = batch.modes[0]
            x = jnp.stack([jnp.broadcast_to(jnp.asarray(v, dtype=complex), (len(batch.q2),))[0] for v in x])
            return (_bll_rate(mode.process, sm_inputs.lepton_mass(mode.lepton, inputs), inputs)(x, None),)
        module = b_to_vll if batch.family == "vll" else b_to_pll
        per_mode = []
        for mode in batch.modes:
            process_ff = ff[b_to_vll.PROCESSES[mode.process].formfactors] if batch.family == "vll" else ff["B->K"]
            had = module.hadronic(mode.process, inputs, process_ff)
            per_mode.append((had._replace(qcdf=None) if batch.family == "vll" else had, sm_inputs.lepton_mass(mode.lepton, inputs),
                             tuple(sub[jaxflav_nuisances.SUBLEADING_PROCESS[mode.process]])))  # fmt: skip
        (had, m_l, d), axes = _per_node(per_mode, batch.counts)
        sm = self._sm_at(batch.q2, wilson._xi_ratio(inputs, False))
        sm_axes = b_to_vll.SMEffective(0, 0, 0, 0, None, None)
        if batch.family == "pll":
            rate = lambda q, xq, s, h, m, dd: module.direct_rates(q, xq, h, m, inputs, s, dd)  # noqa: E731
            return jax.vmap(rate, in_axes=(0, x_axes, sm_axes, *axes))(jnp.asarray(batch.q2), x, sm, had, m_l, d)
        rate = lambda q, xq, s, h, m, dd, spectator: module.direct_rates(q, xq, h, m, inputs, s, dd, spectator)  # noqa: E731
        return jax.vmap(rate, in_axes=(0, x_axes, sm_axes, *axes, 0))(jnp.asarray(batch.q2), x, sm, had, m_l, d, batch.spectator)

    def _form_values(self, wc):
        values = jnp.zeros(self._n_components)
        for g in self._groups:
            if isinstance(wc, wcxf.Resonance):
                A, B = wc.residue_vectors(g.lepton)
                group = resonant.values(g.plan, forms.values(g.Qsum, g.r0), A[g.kept], B[g.kept], wc.mass, wc.width)
            else:
                group = self._component_values(wc, g)
            values = values.at[g.order].set(group)
        return values

    def _check_coefficients(self, coefficients):
        outside = sorted(set(coefficients) - self.coefficients)
        if outside:
            raise ValueError(f"these Predictions were built for {', '.join(sorted(self.coefficients))}; "
                             f"not for {', '.join(outside)} (pass coefficients= to include them)")  # fmt: skip

    def _component_values(self, wc, g):
        """Component values of group `g` for coefficients that are numbers or functions of q²: the
        functions are evaluated once per distinct node (components of one bin share theirs)."""
        q2 = jnp.asarray(g.distinct)
        coefficients = _coefficients(wc, q2)
        self._check_coefficients(coefficients)
        if all(jnp.ndim(v) == 0 for v in coefficients.values()):
            r = forms.to_real(wcxf.form_vector(coefficients, g.lepton, jnp.zeros(()))[g.kept])
            return forms.values(g.Qsum, r)
        r = forms.to_real(jnp.broadcast_to(wcxf.form_vector(coefficients, g.lepton, q2), (len(q2), wcxf.DIM))[:, g.kept])
        per_node = forms.values(g.Q, r[g.inverse])
        return jax.ops.segment_sum(per_node, jnp.asarray(g.seg), num_segments=g.Qsum.shape[0])


def _coefficients(wc, q2):
    """Normalise the accepted `wc` shapes to a dict of values at the nodes q2 (or scalars)."""
    if wc is None:
        return {}
    if not (callable(wc) or isinstance(wc, dict)):
        raise ValueError(f"Wilson coefficients must be a dict of WCxf names (or a function of q² returning one), got {type(wc).__name__} {wc!r:.60}")
    values = wc(q2) if callable(wc) else {k: (v(q2) if callable(v) else v) for k, v in wc.items()}
    if not isinstance(values, dict):
        raise ValueError(f"Wilson coefficients must be a dict of WCxf names, got {type(values).__name__}")
    wcxf.check_names(values)
    for name, v in values.items():
        if isinstance(v, jax.core.Tracer):
            continue
        if isinstance(v, bool) or not np.issubdtype(np.asarray(v).dtype, np.number):
            raise ValueError(f"Wilson coefficient {name} must be a number (or an array or function of q²), got {v!r:.60}")
        if not np.all(np.isfinite(np.asarray(v))):
            raise ValueError(f"Wilson coefficient {name} is not finite: {v}")
    return values


_CACHE = {}


def _single(name, args):
    key = (name, args)
    if key not in _CACHE:
        _CACHE[key] = Predictions([(name, *args)])
    return _CACHE[key]


def sm_prediction(name, *args):
    """The Standard-Model value of one observable, as flavio.sm_prediction(name, *args)."""
    return float(_single(name, tuple(float(a) for a in args))(None)[0])


def np_prediction(name, wc, *args):
    """One observable with new physics `wc` (WCxf names → numbers or functions of q²), as flavio.np_prediction."""
    return float(_single(name, tuple(float(a) for a in args))(wc)[0])
