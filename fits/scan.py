"""Scans: a pure JAX function evaluated on a grid or on random or Sobol points, up to 4·10⁹ points,
in fixed-size chunks, sharded over the local devices, split across processes, written atomically to
disk and resumable with bitwise-identical results.

    result = scan(chi2, space, design="sobol", points=2**20, out="scan_dir")
    result.x, result.values            # (N, dim) physical points, (N, …) values of chi2
    result = merge("scan_dir")         # the same result, read back from the chunk files

**Points** are a pure function of (design, space, N, seed, point index), so any chunk can be
regenerated from its indices and a resumed scan needs nothing but the chunk files:
- `grid`: per-axis counts n_k (C order, the last parameter fastest), n_k nodes from low to high in
  each parameter's scale (a single node sits at the centre of the range).
- `random`: uniform in each parameter's scale, from the counter-based Threefry-2x32 generator
  (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC'11, 20 rounds — the generator
  under `jax.random`) keyed by `seed` and applied to the block (point index, coordinate); 53 random
  bits per coordinate in float64 (24 in float32). Written out here so the stream cannot change
  with jax's PRNG configuration or version.
- `sobol`: the Sobol sequence in Gray-code order with the Joe–Kuo direction numbers
  (S. Joe, F. Y. Kuo, SIAM J. Sci. Comput. 30 (2008) 2635, file new-joe-kuo-6.21201; the first 21
  dimensions are embedded below), 32 bits; point i is the XOR of the direction numbers picked by
  the bits of gray(i) = i ⊕ (i >> 1), so any index is computed directly. With `scramble=True`
  (default) the digits are randomised by a linear matrix scramble plus a digital shift drawn from
  `seed` (Matoušek 1998; as scipy.stats.qmc.Sobol), which keeps the (t, m, s)-net property: use N a
  power of two. Unscrambled, the points equal scipy's `Sobol(d, scramble=False, bits=32)`.

**Evaluation**: one jitted chunk function, compiled once (ahead of time, so the compile time is
reported apart), fed by a host loop. The chunk's point indices carry
`NamedSharding(Mesh(jax.local_devices(), ("points",)), P("points"))`, so XLA splits every chunk over
all local devices; on each device `jax.lax.map` runs `jax.vmap(f)` over blocks of a fixed size.
The block, not the device count, sets the shapes XLA compiles f for — and XLA's code (e.g. the order
of a row sum) can depend on the batch shape, so a plain `vmap` over each device's share of the chunk
would change the last bits with the device count; with fixed blocks the results are bitwise the same
on 1 or 4 devices. The device batch is the chunk rounded up to a multiple of devices × block; the
padding repeats the last valid index and its rows are dropped. Memory is set by
the chunk, not by N — unless every point is kept (`keep="all"`): for 10⁸ points keep a reduction
(`Best`, `Profile`, or your own object with `init/update/finish`) and/or write chunks to `out`.

**Disk** (`out`): `scan.json` (the manifest: design, N, counts, seed, chunk, dtype, space, value
shapes, a hash of f's jaxpr and constants, and a fingerprint of all these) is written first, then
each chunk as `chunk_000123.npz` (x and the values), every file through `fits.files` (a temporary
file of its own name, then `os.replace`, with fixed zip timestamps), so a killed scan never leaves a
partial file and the same chunk has the same bytes. A lone scan locks `out` (`fits.files.Lock`): a
second one into the same folder fails at once. With `resume=True` the chunks already on disk are
read back instead of recomputed (a manifest that differs → `Mismatch`, a ValueError naming the
fields); the result is bitwise identical to an uninterrupted run.

**Processes**: with `jax.distributed` initialised (`jax.process_count() > 1`), or with an explicit
`worker=(index, count)` (e.g. a batch array job), worker p computes the chunks i ≡ p (mod count)
into the shared `out`. Under `jax.distributed` every process then waits for all chunk files (after a
`sync_global_devices` barrier) and returns the merged result; an explicit worker returns the merged
result when all chunk files exist and None otherwise (call `merge(out)` later).
"""

import contextlib
import hashlib
import json
import math
import os
import re
import time
from typing import NamedTuple

import jax
import jax.numpy as jnp
import numpy as np
from jax.sharding import Mesh, NamedSharding, PartitionSpec

from fits import files
from fits.progress import Progress
from fits.space import Space

DESIGNS = ("grid", "random", "sobol")
MAX_POINTS = 2**32 - 1  # point indices are uint32 on the device
DEFAULT_CHUNK = 2**16
DEFAULT_BLOCK = {"cpu": 1024, "other": 16384}  # points per vmapped block on one device, by backend
FORMAT = "fits.scan/1"
MANIFEST = "scan.json"
_WAIT_POLL_S = 0.2

# --- Threefry-2x32 (Salmon et al. 2011, 20 rounds; Random123's threefry2x32_20) -----------------
_ROTATIONS = ((13, 15, 26, 6), (17, 29, 16, 24))
_PARITY = np.uint32(0x1BD11BDA)


def _rotl(v, r):
    return (v << np.uint32(r)) | (v >> np.uint32(32 - r))


def threefry2x32(key, x0, x1):
    """Threefry-2x32-20 of the counter blocks (x0, x1) (uint32 arrays, broadcast) under the key
    (k0, k1): two uint32 arrays. Works on NumPy and JAX arrays alike."""
    k0, k1 = np.uint32(key[0]), np.uint32(key[1])
    ks = (k0, k1, k0 ^ k1 ^ _PARITY)
    x0, x1 = x0 + ks[0], x1 + ks[1]
    for i in range(5):
        for r in _ROTATIONS[i % 2]:
            x0 = x0 + x1
            x1 = _rotl(x1, r) ^ x0
        x0 = x0 + ks[(i + 1) % 3]
        x1 = x1 + ks[(i + 2) % 3] + np.uint32(i + 1)
    return x0, x1


def _seed_key(seed, salt):
    return (np.uint32((seed >> 32) ^ salt), np.uint32(seed & 0xFFFFFFFF))


# --- Sobol direction numbers (Joe & Kuo, new-joe-kuo-6.21201, dimensions 1–21) ------------------
# Per dimension: the primitive polynomial with its leading and constant terms as a bit pattern
# (x³ + x + 1 → 0b1011 = 11; dimension 1 is the van der Corput sequence) and the initial m_i.
_SOBOL_POLY = (1, 3, 7, 11, 13, 19, 25, 37, 41, 47, 55, 59, 61, 67, 91, 97, 103, 109, 115, 131, 137)
_SOBOL_M = (
    (1,), (1,), (1, 3), (1, 3, 1), (1, 1, 1), (1, 1, 3, 3), (1, 3, 5, 13), (1, 1, 5, 5, 17),
    (1, 1, 5, 5, 5), (1, 1, 7, 11, 19), (1, 1, 5, 1, 1), (1, 1, 1, 3, 11), (1, 3, 5, 5, 31),
    (1, 3, 3, 9, 7, 49), (1, 1, 1, 15, 21, 21), (1, 3, 1, 13, 27, 49), (1, 1, 1, 15, 7, 5),
    (1, 3, 1, 15, 13, 25), (1, 1, 5, 5, 19, 61), (1, 3, 7, 11, 23, 15, 103), (1, 3, 7, 13, 13, 15, 69),
)  # fmt: skip
SOBOL_MAX_DIM = len(_SOBOL_POLY)
_BITS = 32


def _sobol_directions(dim):
    """V[k, j] (uint32): the direction number of dimension k for index bit j, m_j·2^(32−j−1)."""
    v = np.zeros((dim, _BITS), dtype=np.uint64)
    for k in range(dim):
        if k == 0:
            m = [1] * _BITS
        else:
            poly, m = _SOBOL_POLY[k], list(_SOBOL_M[k])
            s = poly.bit_length() - 1  # degree
            for i in range(s, _BITS):  # Bratley & Fox (1988), eq. (2)
                new = m[i - s] ^ (m[i - s] << s)
                for j in range(1, s):
                    if (poly >> (s - j)) & 1:
                        new ^= m[i - j] << j
                m.append(new)
        v[k] = [m[j] << (_BITS - 1 - j) for j in range(_BITS)]
    return v.astype(np.uint32)


def _sobol_scramble(directions, seed):
    """Linear matrix scramble and digital shift (Matoušek 1998) drawn from `seed` with Threefry:
    each coordinate's digits (most significant first) are mapped by a random lower-triangular binary
    matrix with unit diagonal, then XORed with a random 32-bit shift."""
    dim = directions.shape[0]
    key = _seed_key(seed, 0x5C0B01)
    rows, shift = threefry2x32(key, np.arange(dim * _BITS, dtype=np.uint32), np.ones(dim * _BITS, np.uint32))
    rows = rows.reshape(dim, _BITS)
    shift = shift.reshape(dim, _BITS)[:, 0]
    out = np.zeros_like(directions)
    for r in range(_BITS):  # output digit r (weight 2^-(r+1)) sits at bit 31 − r
        keep = np.uint32((0xFFFFFFFF << (_BITS - 1 - r)) & 0xFFFFFFFF)  # digits 0..r
        diag = np.uint32(1 << (_BITS - 1 - r))
        mask = (rows[:, r] & keep) | diag  # row r of the matrix, as a bit mask over input digits
        out |= _parity(directions & mask[:, None]) << np.uint32(_BITS - 1 - r)
    return out, shift


def _parity(v):
    """1 where a uint32 has an odd number of set bits (numpy < 2 has no bitwise_count)."""
    for shift in (16, 8, 4, 2, 1):
        v = v ^ (v >> np.uint32(shift))
    return v & np.uint32(1)


def _byte_tables(directions, n):
    """For each byte of the (Gray-coded) index below n: a (256, dim) table of the XOR of the
    direction numbers its set bits pick, so that a point costs 4 lookups instead of 32 XORs."""
    dim, tables = directions.shape[0], []
    for byte in range(max(1, -(-(n - 1).bit_length() // 8))):
        table = np.zeros((256, dim), np.uint32)
        for b in range(8):
            on = (np.arange(256) >> b) & 1 == 1
            table[on] ^= directions[:, 8 * byte + b]
        tables.append(table)
    return tables


# --- designs --------------------------------------------------------------------------------
class Design(NamedTuple):
    """Where a scan's points lie: `kind` ("grid", "random" or "sobol"), the number of points `n`,
    per-axis `counts` (grid), `seed`, `scramble` (sobol). `points(space, idx, dtype)` is pure JAX."""

    kind: str
    n: int
    counts: tuple = ()
    seed: int = 0
    scramble: bool = True

    def fractions(self, idx, dim, dtype):
        """t ∈ [0, 1]^dim (dtype) of the points with uint32 indices `idx` (shape (B,))."""
        idx = jnp.asarray(idx, jnp.uint32)
        if self.kind == "grid":
            cols, stride = [], 1
            for n in reversed(self.counts):
                j = (idx // np.uint32(stride)) % np.uint32(n)
                cols.append(j.astype(dtype) / (n - 1) if n > 1 else jnp.full(idx.shape, 0.5, dtype))
                stride *= n
            return jnp.stack(cols[::-1], axis=-1)
        if self.kind == "random":
            key = _seed_key(self.seed, 0)
            a, b = threefry2x32(key, idx[:, None], jnp.arange(dim, dtype=jnp.uint32)[None, :])
            if jnp.finfo(dtype).nmant >= 52:  # 53 bits, as numpy's random_double
                hi, lo = (a >> np.uint32(5)).astype(dtype), (b >> np.uint32(6)).astype(dtype)
                return (hi * 67108864.0 + lo) * (1.0 / 9007199254740992.0)
            return ((a >> np.uint32(8)).astype(jnp.float32) * (1.0 / 16777216.0)).astype(dtype)
        # sobol
        directions = _sobol_directions(dim)
        shift = np.zeros(dim, np.uint32)
        if self.scramble:
            directions, shift = _sobol_scramble(directions, self.seed)
        gray = idx ^ (idx >> np.uint32(1))
        acc = jnp.broadcast_to(jnp.asarray(shift), (idx.shape[0], dim))
        for byte, table in enumerate(_byte_tables(directions, self.n)):  # one lookup per 8 index bits
            acc = acc ^ jnp.asarray(table)[(gray >> np.uint32(8 * byte)) & np.uint32(255)]
        scale = jnp.float64 if jnp.finfo(dtype).nmant >= 52 else jnp.float32
        return (acc.astype(scale) * (1.0 / 4294967296.0)).astype(dtype)

    def points(self, space, idx, dtype):
        """Physical points (B, dim) of dtype; the ends of a range are its bounds exactly, and the
        rest is clipped to them (exp(ln low) can round past low)."""
        t = self.fractions(idx, space.dim, dtype)
        x = space.uniform_points(t).astype(dtype)
        low, high = space.low.astype(dtype), space.high.astype(dtype)
        return jnp.where(t <= 0, low, jnp.where(t >= 1, high, jnp.clip(x, low, high)))

    def as_json(self):
        return {"design": self.kind, "n": self.n, "counts": list(self.counts) or None, "seed": self.seed,
                "scramble": self.scramble if self.kind == "sobol" else None}  # fmt: skip


def _int(value, what, low=0, high=None):
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise ValueError(f"{what} must be an integer, got {value!r}")
    value = int(value)
    if value < low or (high is not None and value > high):
        raise ValueError(f"{what} must be in [{low}, {high if high is not None else '∞'}], got {value}")
    return value


def make_design(space, design, points, seed=0, scramble=True):
    """Validate and build a `Design` (ValueError naming the culprit)."""
    if not isinstance(space, Space):
        raise ValueError(f"space must be a fits.space.Space, got {type(space).__name__}")
    if design not in DESIGNS:
        raise ValueError(f"design must be one of {DESIGNS}, got {design!r}")
    for p in space.parameters:
        if not (math.isfinite(p.low) and math.isfinite(p.high)):
            raise ValueError(f"parameter {p.name!r}: a scan needs finite bounds, got [{p.low}, {p.high}]")
    seed = _int(seed, "seed", 0, 2**64 - 1)
    if not isinstance(scramble, (bool, np.bool_)):
        raise ValueError(f"scramble must be True or False, got {scramble!r}")
    counts = ()
    if design == "grid":
        if isinstance(points, (tuple, list, np.ndarray)):
            if len(points) != space.dim:
                raise ValueError(f"points: a grid needs one count per parameter ({', '.join(space.names)}), got {list(points)}")
            counts = tuple(_int(c, f"points[{name!r}] (grid count)", 1) for c, name in zip(points, space.names))
            n = math.prod(counts)
        else:
            n = _int(points, "points", 1)
            side = round(n ** (1.0 / space.dim))
            side = next((s for s in (side - 1, side, side + 1) if s >= 1 and s**space.dim == n), None)
            if side is None:
                raise ValueError(f"points={n} is not an integer to the power {space.dim} (the number of parameters): "
                                 f"give per-axis grid counts instead, e.g. points={(round(n ** (1 / space.dim)),) * space.dim}")  # fmt: skip
            counts = (side,) * space.dim
    else:
        if isinstance(points, (tuple, list, np.ndarray)):
            raise ValueError(f"points: per-axis counts only make sense for design='grid', got {list(points)} for {design!r}")
        n = _int(points, "points", 1)
    if n > MAX_POINTS:
        raise ValueError(f"points: at most {MAX_POINTS} points per scan (uint32 indices), got {n}")
    if design == "sobol" and space.dim > SOBOL_MAX_DIM:
        raise ValueError(f"design='sobol' supports up to {SOBOL_MAX_DIM} parameters, the space has {space.dim}; use design='random'")
    return Design(design, n, counts, seed, bool(scramble))


def _dtype(dtype):
    if dtype is None:
        return jnp.dtype(jax.dtypes.canonicalize_dtype(jnp.float64))
    try:
        dt = jnp.dtype(dtype)
    except TypeError as e:
        raise ValueError(f"dtype must be a floating dtype, got {dtype!r}") from e
    if not jnp.issubdtype(dt, jnp.floating):
        raise ValueError(f"dtype must be a floating dtype, got {dtype!r}")
    return jnp.dtype(jax.dtypes.canonicalize_dtype(dt))


def scan_points(space, indices, *, design="grid", points, seed=0, scramble=True, dtype=None):
    """The physical points (len(indices), dim) with these indices in a scan of this design — the
    same numbers `scan` evaluates, regenerated from nothing but the design."""
    d = make_design(space, design, points, seed, scramble)
    indices = np.asarray(indices)
    if indices.ndim != 1 or (indices.size and (indices.min() < 0 or indices.max() >= d.n)):
        raise ValueError(f"indices must be a 1-D array in [0, {d.n}), got shape {indices.shape}")
    dt = _dtype(dtype)
    return np.asarray(jax.jit(lambda i: d.points(space, i, dt))(indices.astype(np.uint32)))


# --- reductions -----------------------------------------------------------------------------
class Best(NamedTuple):
    """Keep the `k` points with the smallest value (of the leaf named `by` when f returns a pytree),
    ties to the lower index; NaN never wins. The result's x, values and index hold them, best first."""

    k: int
    by: str | None = None

    def init(self, spec):
        by = _scalar_leaf(spec, self.by, "Best")
        _int(self.k, "Best.k", 1)
        empty = {name: np.empty((0, *s["shape"]), s["dtype"]) for name, s in spec["values"].items()}
        return {"by": by, "x": np.empty((0, spec["dim"]), spec["dtype"]), "values": empty, "index": np.empty(0, np.int64)}

    def update(self, state, x, values, index):
        key = np.concatenate([state["values"][state["by"]], values[state["by"]]])
        key = np.where(np.isnan(key), np.inf, key)
        index = np.concatenate([state["index"], index])
        pick = np.arange(key.size)
        if key.size > self.k:  # pre-select with a partition, order exactly with a lexsort
            pick = np.flatnonzero(key <= np.partition(key, self.k - 1)[self.k - 1])
        pick = pick[np.lexsort((index[pick], key[pick]))][: self.k]
        cat = lambda old, new: np.concatenate([old, new])[pick]  # noqa: E731
        vals = {n: cat(state["values"][n], values[n]) for n in state["values"]}
        return {"by": state["by"], "x": cat(state["x"], x), "values": vals, "index": index[pick]}

    def finish(self, state):
        return {"x": state["x"], "values": state["values"], "index": state["index"]}


class Profile(NamedTuple):
    """The profile (minimum over all other parameters) of the value — the leaf `by` for pytree
    outputs — on a histogram of one or two parameters: `bins` bins per parameter, equal in each
    parameter's scale over its range. `reduced` gets `min` (bins…; +inf where a bin got no point),
    `x_at_min` (bins…, dim) and `index_at_min` (−1 for an empty bin), and `edges.<name>` (physical
    units), e.g. for the Δχ² profile `reduced["min"] - reduced["min"].min()`.
    Ties go to the lower index, so the result does not depend on chunking."""

    params: tuple
    bins: int = 50
    by: str | None = None

    def init(self, spec):
        space = spec["space"]
        params = (self.params,) if isinstance(self.params, str) else tuple(self.params)
        if not 1 <= len(params) <= 2:
            raise ValueError(f"Profile.params: give one or two parameter names, got {params}")
        unknown = [p for p in params if p not in space.names]
        if unknown:
            raise ValueError(f"Profile.params: unknown parameter(s) {unknown}; the space has {list(space.names)}")
        bins = _int(self.bins, "Profile.bins", 1)
        by = _scalar_leaf(spec, self.by, "Profile")
        cols = [space.names.index(p) for p in params]
        shape = (bins,) * len(cols)
        return {"by": by, "cols": cols, "bins": bins, "min": np.full(shape, np.inf, spec["values"][by]["dtype"]),
                "x": np.full((*shape, spec["dim"]), np.nan, spec["dtype"]), "index": np.full(shape, -1, np.int64),
                "edges": {p: np.asarray(space.uniform_points(np.linspace(0, 1, bins + 1)[:, None] * np.ones(space.dim)))[:, c]
                          for p, c in zip(params, cols)},
                "lo": space._lo[cols], "hi": space._hi[cols], "log": space._log[cols]}  # fmt: skip

    def update(self, state, x, values, index):
        key = values[state["by"]]
        ok = ~np.isnan(key)
        x, key, index = x[ok], key[ok], index[ok]
        flat = np.zeros(len(key), np.int64)
        for c, lo, hi, log in zip(state["cols"], state["lo"], state["hi"], state["log"]):
            s = np.log(x[:, c]) if log else x[:, c]
            b = np.clip(np.floor((s - lo) / (hi - lo) * state["bins"]).astype(np.int64), 0, state["bins"] - 1)
            flat = flat * state["bins"] + b
        order = np.lexsort((index, key, flat))
        first = order[np.unique(flat[order], return_index=True)[1]]
        bins, key, index, x = flat[first], key[first], index[first], x[first]
        old_min, old_idx = state["min"].reshape(-1), state["index"].reshape(-1)
        better = (key < old_min[bins]) | ((key == old_min[bins]) & ((index < old_idx[bins]) | (old_idx[bins] < 0)))
        bins = bins[better]
        old_min[bins], old_idx[bins] = key[better], index[better]
        state["x"].reshape(-1, x.shape[1])[bins] = x[better]
        return state

    def finish(self, state):
        return {"min": state["min"], "x_at_min": state["x"], "index_at_min": state["index"],
                **{f"edges.{p}": e for p, e in state["edges"].items()}}  # fmt: skip


def _scalar_leaf(spec, by, who):
    names = list(spec["values"])
    if by is None:
        if len(names) != 1:
            raise ValueError(f"{who}: f returns several values {names}; name the one to minimise with by=")
        by = names[0]
    if by not in spec["values"]:
        raise ValueError(f"{who}.by: f returns no value named {by!r}; it returns {names}")
    if spec["values"][by]["shape"] != ():
        raise ValueError(f"{who}: the value {by or 'f(x)'!r} must be a scalar per point, got shape {spec['values'][by]['shape']}")
    return by


class _KeepAll(NamedTuple):
    """Every point, in index order (the chunks' slices of preallocated arrays)."""

    def init(self, spec):
        n = spec["n"]
        values = {k: np.empty((n, *s["shape"]), s["dtype"]) for k, s in spec["values"].items()}
        return {"x": np.empty((n, spec["dim"]), spec["dtype"]), "values": values}

    def update(self, state, x, values, index):
        sl = slice(int(index[0]), int(index[0]) + len(index))
        state["x"][sl] = x
        for k, v in values.items():
            state["values"][k][sl] = v
        return state

    def finish(self, state):
        return {"x": state["x"], "values": state["values"]}


class _KeepNone(NamedTuple):
    def init(self, spec):
        return None

    def update(self, state, x, values, index):
        return None

    def finish(self, state):
        return {}


def _keeper(keep):
    if isinstance(keep, str):
        if keep == "all":
            return _KeepAll()
        if keep == "none":
            return _KeepNone()
    elif all(callable(getattr(keep, m, None)) for m in ("init", "update", "finish")):
        return keep
    raise ValueError(f"keep must be 'all', 'none', Best(k), Profile(...) or an object with init/update/finish, got {keep!r}")


# --- results --------------------------------------------------------------------------------
def _user_values(values):
    """Internal {leaf name: array} → the array itself for a single-array f, else the dict."""
    if values is None:
        return None
    return values[""] if list(values) == [""] else dict(values)


class ScanResult(NamedTuple):
    """x: (N, dim) physical points (or the kept ones); values: f's values, an array (N, …) or, for a
    pytree-valued f, a dict {leaf name: array}; names: parameter names; metadata: the manifest plus
    run information (JSON-serialisable); index: the kept points' indices (None: all points, in
    order); reduced: a reduction's arrays (e.g. `Profile`)."""

    x: np.ndarray | None
    values: object
    names: tuple
    metadata: dict
    index: np.ndarray | None = None
    reduced: dict | None = None

    def to_npz(self, path):
        """Save as .npz (atomically, `fits.files.write_npz`): the arrays of `arrays()`."""
        files.write_npz(path, self.arrays())

    def arrays(self):
        """{name: array}: x, values[.leaf], index, reduced.<key>, names, metadata (JSON)."""
        arrays = {"names": np.array(self.names), "metadata": np.array(json.dumps(self.metadata))}
        if self.x is not None:
            arrays["x"] = self.x
        if self.values is not None:
            values = self.values if isinstance(self.values, dict) else {"": self.values}
            arrays.update({("values." + k) if k else "values": v for k, v in values.items()})
        if self.index is not None:
            arrays["index"] = self.index
        arrays.update({f"reduced.{k}": v for k, v in (self.reduced or {}).items()})
        return arrays

    @classmethod
    def from_npz(cls, path):
        with np.load(path) as z:
            values = {k[7:]: z[k] for k in z.files if k == "values" or k.startswith("values.")}
            return cls(
                x=z["x"] if "x" in z.files else None,
                values=_user_values(values) if values else None,
                names=tuple(str(n) for n in z["names"]),
                metadata=json.loads(str(z["metadata"])),
                index=z["index"] if "index" in z.files else None,
                reduced={k[8:]: z[k] for k in z.files if k.startswith("reduced.")} or None,
            )


# --- manifest and chunk files ---------------------------------------------------------------
def _chunk_path(out, i, n_chunks):
    return os.path.join(out, f"chunk_{i:0{max(6, len(str(n_chunks - 1)))}d}.npz")


def _save_chunk(path, x, values):
    files.write_npz(path, {"x": x, **{("values." + k) if k else "values": v for k, v in values.items()}})


_TEMPORARY = re.compile(r"\.?(chunk_\d+\.npz)\..*tmp")  # files.atomic's (and older versions') temporary chunk files


def _load_chunk(path, rows, manifest):
    with np.load(path) as z:
        x = z["x"]
        values = {k: z[("values." + k) if k else "values"] for k in manifest["values"]}
    if x.shape != (rows, len(manifest["names"])) or any(v.shape[:1] != (rows,) for v in values.values()):
        raise ValueError(f"{path}: expected {rows} rows, found x of shape {x.shape}; delete the file to recompute it")
    return x, values


def _function_hash(jaxpr):
    """sha256 of f's jaxpr (object addresses removed) and of its constants' bytes."""
    h = hashlib.sha256(re.sub(r" at 0x[0-9a-fA-F]+", "", str(jaxpr.jaxpr)).encode())
    for c in jaxpr.consts:
        c = np.asarray(c)
        h.update(f"{c.dtype}{c.shape}".encode())
        h.update(np.ascontiguousarray(c).tobytes())
    return h.hexdigest()


def _read_manifest(out):
    path = os.path.join(out, MANIFEST)
    if not os.path.exists(path):
        return None
    with open(path) as fh:
        try:
            return json.load(fh)
        except json.JSONDecodeError as e:
            raise ValueError(f"{path} is not a scan manifest ({e})") from e


class Mismatch(ValueError):
    """`out` holds the chunks of another scan (resume=True refuses to mix them); `detail` says how
    they differ."""

    def __init__(self, out, detail):
        super().__init__(f"{out} holds a different scan ({detail}); use another directory, or resume=False to start it over")
        self.out, self.detail = out, detail


def _compare(old, new, out):
    keys = [k for k in new if k not in ("fingerprint", "run")]
    diff = [k for k in keys if old.get(k) != new[k]]
    if old.get("format") != FORMAT or diff:
        detail = "; ".join(f"{k}: on disk {old.get(k)!r}, now {new[k]!r}" for k in diff if k != "function")
        if "function" in diff:
            detail += ("; " if detail else "") + "function: the scanned function's jaxpr or constants changed"
        raise Mismatch(out, detail or f"format {old.get('format')!r}")


def _chunk_rows(manifest, i):
    start = i * manifest["chunk"]
    return start, min(manifest["n"], start + manifest["chunk"]) - start


def missing_chunks(out):
    """Indices of the chunks of the scan in `out` that are not on disk yet."""
    manifest = _read_manifest(out)
    if manifest is None:
        raise ValueError(f"{out}: no {MANIFEST} (not a scan directory)")
    n_chunks = manifest["n_chunks"]
    return [i for i in range(n_chunks) if not os.path.exists(_chunk_path(out, i, n_chunks))]


def merge(out, keep="all"):
    """Assemble the scan in `out` from its chunk files, in index order, into a ScanResult
    (`keep` as in `scan`). ValueError if chunks are missing."""
    out = os.fspath(out)
    manifest = _read_manifest(out)
    if manifest is None:
        raise ValueError(f"{out}: no {MANIFEST} (not a scan directory)")
    missing = missing_chunks(out)
    if missing:
        raise ValueError(f"{out}: {len(missing)} of {manifest['n_chunks']} chunks missing (first: {missing[:5]}); "
                         "run the scan again with resume=True to compute them")  # fmt: skip
    space = Space([dict(p) for p in manifest["space"]])
    keeper = _keeper(keep)
    state = keeper.init(_spec(manifest, space))
    for i in range(manifest["n_chunks"]):
        start, rows = _chunk_rows(manifest, i)
        x, values = _load_chunk(_chunk_path(out, i, manifest["n_chunks"]), rows, manifest)
        state = keeper.update(state, x, values, np.arange(start, start + rows, dtype=np.int64))
    return _result(keeper.finish(state), manifest, {})


def _spec(manifest, space):
    return {"n": manifest["n"], "dim": len(manifest["names"]), "dtype": np.dtype(manifest["dtype"]), "space": space,
            "values": {k: {"shape": tuple(s["shape"]), "dtype": np.dtype(s["dtype"])} for k, s in manifest["values"].items()}}  # fmt: skip


def _result(kept, manifest, run):
    kept = dict(kept)
    x, values, index = kept.pop("x", None), kept.pop("values", None), kept.pop("index", None)
    return ScanResult(x, _user_values(values), tuple(manifest["names"]), {**manifest, "run": run}, index, kept or None)


def _leaf_name(path):
    parts = []
    for k in path:
        for attr in ("key", "name", "idx"):
            if hasattr(k, attr):
                parts.append(str(getattr(k, attr)))
                break
        else:
            parts.append(str(k))
    return ".".join(parts)


# --- the scan -------------------------------------------------------------------------------
def _worker(worker):
    if worker is None:
        return jax.process_index(), jax.process_count(), jax.process_count() > 1
    if not (isinstance(worker, (tuple, list)) and len(worker) == 2):
        raise ValueError(f"worker must be (index, count), got {worker!r}")
    count = _int(worker[1], "worker count", 1)
    return _int(worker[0], "worker index", 0, count - 1), count, False


def _wait_for(predicate, what, timeout_s):
    start = time.monotonic()
    while not predicate():
        if timeout_s is not None and time.monotonic() - start > timeout_s:
            raise TimeoutError(f"gave up after {timeout_s:.0f} s waiting for {what}")
        time.sleep(_WAIT_POLL_S)


def _barrier(name, distributed):
    if distributed:
        from jax.experimental import multihost_utils

        multihost_utils.sync_global_devices(name)


def _prepare_out(out, old, manifest, mine, rank, count, resume):
    """The manifest first (every worker writes the same bytes, through its own temporary file),
    then away with this worker's stale temporary files — and with resume=False, its chunks (a lone
    worker: every chunk file in `out`)."""
    if old is not None and resume:
        _compare(old, manifest, out)
    os.makedirs(out, exist_ok=True)
    if old != manifest:
        files.write_bytes(os.path.join(out, MANIFEST), json.dumps(manifest, indent=1).encode())
    if count == 1:  # a lone scan holds the folder's lock: any temporary here is a killed writer's
        files.remove_temporaries(out)
    n_chunks = manifest["n_chunks"]
    names = {os.path.basename(_chunk_path(out, i, n_chunks)) for i in mine}
    stale = []
    for p in os.listdir(out):
        m = _TEMPORARY.fullmatch(p)
        if (m and (count == 1 or m.group(1) in names)) or (not resume and (p in names or (count == 1 and re.fullmatch(r"chunk_\d+\.npz", p)))):
            stale.append(os.path.join(out, p))
    for path in stale:
        with contextlib.suppress(FileNotFoundError):
            os.remove(path)


def _chunk_function(f, design, space, dtype, chunk, block, devices):
    """(compiled, sharding, batch): indices (batch,) uint32, sharded over `devices` along "points"
    → points (batch, dim) and f's leaves (batch, …). Each device runs `lax.map` over its blocks of
    `block` points, `vmap(f)` within a block, so XLA compiles f for the same shapes on any number
    of devices."""
    ndev = len(devices)
    sharding = NamedSharding(Mesh(np.array(devices), ("points",)), PartitionSpec("points"))
    batch = -(-chunk // (ndev * block)) * ndev * block

    def evaluate(idx):  # one block on one device
        x = design.points(space, idx, dtype)
        return x, jax.tree_util.tree_leaves(jax.vmap(f)(x))

    def run_chunk(idx):  # (batch,) → (ndev, steps, block): vmap over the sharded axis, lax.map over steps
        out = jax.vmap(lambda b: jax.lax.map(evaluate, b))(idx.reshape(ndev, -1, block))
        return jax.tree_util.tree_map(lambda a: a.reshape(batch, *a.shape[3:]), out)

    abstract = jax.ShapeDtypeStruct((batch,), jnp.uint32, sharding=sharding)
    return jax.jit(run_chunk, out_shardings=sharding).lower(abstract).compile(), sharding, batch


def scan(f, space, *, design="grid", points, seed=0, scramble=True, chunk=None, out=None, resume=True,
         block=None, keep="all", dtype=None, progress=True, worker=None, wait_s=None):  # fmt: skip
    """Evaluate `f` (a pure JAX function of one physical point, shape (dim,), returning an array or
    a small pytree of arrays) at the points of a design over `space`; returns a `ScanResult`.

    design: "grid" (points = N = n**dim or per-axis counts), "random" or "sobol" (points = N, a
        power of two for Sobol's balance); seed: non-negative integer (random, scrambled Sobol);
        scramble: Sobol's random linear scramble and digital shift (default True).
    chunk: points per chunk file (default 2**16; on resume, the manifest's).
    block: points per `vmap` batch on one device (default 1024 on CPU, 16384 elsewhere; on resume
        the manifest's). XLA's code for f can depend on the batch shape (e.g. the order of a sum),
        so the block, not the device count, fixes the numbers: results are bitwise the same on any
        number of devices. A chunk runs as ceil(chunk / (devices·block)) blocks per device.
    out: a directory for the manifest and the chunk files (created; needed across processes).
    resume: read chunks already in `out` back (False: delete this worker's chunks and start over).
    keep: "all" (every point: N·(dim + values) numbers in memory), "none" (only `out`), `Best(k)`,
        `Profile(params, bins)`, or any object with init(spec)/update(state, x, values, index)/finish.
    dtype: the points' floating dtype (default: float64 if x64 is enabled, else float32).
    progress: progress on stderr (`fits.progress.Progress`: a bar on a terminal, a line every few
        seconds in a log), and a line when a resumed scan finds chunks on disk.
    worker: (index, count) to split the chunks between separately launched jobs (default: the
        jax.distributed process index and count). wait_s: how long jax.distributed processes wait
        for the others' chunks at the end (None: for ever).
    """
    if not callable(f):
        raise ValueError(f"f must be a function of one point, got {type(f).__name__}")
    d = make_design(space, design, points, seed, scramble)
    dt = _dtype(dtype)
    keeper = _keeper(keep)
    rank, count, distributed = _worker(worker)
    if not isinstance(resume, (bool, np.bool_)):
        raise ValueError(f"resume must be True or False, got {resume!r}")
    if out is not None:
        out = os.fspath(out)
        if os.path.exists(out) and not os.path.isdir(out):
            raise ValueError(f"out={out!r} exists and is not a directory")
    if count > 1 and out is None:
        raise ValueError(f"a scan split over {count} workers needs out= a directory they all share")
    old = _read_manifest(out) if out is not None and os.path.isdir(out) else None
    adopt = old if old is not None and resume else {}  # resuming: the manifest's chunk and block
    chunk = min(_int(adopt.get("chunk", DEFAULT_CHUNK) if chunk is None else chunk, "chunk", 1), d.n)
    default_block = DEFAULT_BLOCK.get(jax.default_backend(), DEFAULT_BLOCK["other"])
    block = min(_int(adopt.get("block", default_block) if block is None else block, "block", 1), chunk)

    # the function's output structure and fingerprint, from one trace at an abstract point
    try:
        jaxpr, shapes = jax.make_jaxpr(f, return_shape=True)(jax.ShapeDtypeStruct((space.dim,), dt))
    except Exception as e:
        raise ValueError(f"f could not be traced at a point of shape ({space.dim},) {dt}: {type(e).__name__}: {e}") from e
    leaves = jax.tree_util.tree_flatten_with_path(shapes)[0]
    names = [_leaf_name(p) for p, _ in leaves]
    if len(set(names)) != len(names) or not leaves:
        raise ValueError(f"f must return an array or a pytree of arrays with distinct leaf names, got {names}")
    n_chunks = -(-d.n // chunk)
    manifest = {"format": FORMAT, **d.as_json(), "chunk": chunk, "block": block, "n_chunks": n_chunks, "dtype": dt.name,
                "names": list(space.names), "space": [dict(p._asdict()) for p in space.parameters],
                "values": {n: {"shape": list(s.shape), "dtype": np.dtype(s.dtype).name} for n, (_, s) in zip(names, leaves)},
                "function": _function_hash(jaxpr)}  # fmt: skip
    manifest["fingerprint"] = hashlib.sha256(json.dumps(manifest, sort_keys=True, allow_nan=False).encode()).hexdigest()
    spec = _spec(manifest, space)
    state = keeper.init(spec)  # validates the reduction before anything compiles
    if count > 1:
        state = None  # several workers: the final merge reduces

    with contextlib.ExitStack() as held:
        if out is not None and count == 1:  # one job per folder (the workers of one scan share theirs)
            os.makedirs(out, exist_ok=True)
            held.enter_context(files.Lock(out))
            old = _read_manifest(out)
        mine = list(range(rank, n_chunks, count))
        if out is not None:
            _prepare_out(out, old, manifest, mine, rank, count, resume)
            _barrier("fits.scan:start", distributed)
        devices = jax.local_devices()
        t0 = time.perf_counter()
        compiled, sharding, batch = _chunk_function(f, d, space, dt, chunk, block, devices)
        compile_s = time.perf_counter() - t0

        label = f"scan[{rank}/{count}]" if count > 1 else "scan"
        bar = Progress(sum(_chunk_rows(manifest, i)[1] for i in mine), progress, label=label)
        on_disk = sum(os.path.exists(_chunk_path(out, i, n_chunks)) for i in mine) if out is not None and resume else 0
        if on_disk:
            bar.ticker.line(f"{label}: resuming {out}: {on_disk} of {len(mine)} chunks on disk, {len(mine) - on_disk} to compute")
        computed = loaded = 0
        t0 = time.perf_counter()

        def finish(i, pending):
            nonlocal state, computed
            start, rows = _chunk_rows(manifest, i)
            x, leaves_ = pending
            x = np.asarray(x)[:rows]
            values = {n: np.asarray(v)[:rows] for n, v in zip(names, leaves_)}
            if out is not None:
                _save_chunk(_chunk_path(out, i, n_chunks), x, values)
            if state is not None:
                state = keeper.update(state, x, values, np.arange(start, start + rows, dtype=np.int64))
            computed += rows
            bar.update(rows, rows)

        pending = None
        for i in mine:
            start, rows = _chunk_rows(manifest, i)
            path = _chunk_path(out, i, n_chunks) if out is not None else None
            if path is not None and resume and os.path.exists(path):
                if pending is not None:
                    finish(*pending)
                    pending = None
                if state is not None:
                    x, values = _load_chunk(path, rows, manifest)
                    state = keeper.update(state, x, values, np.arange(start, start + rows, dtype=np.int64))
                loaded += 1
                bar.update(rows)
                continue
            idx = np.minimum(np.arange(start, start + batch, dtype=np.int64), d.n - 1).astype(np.uint32)
            launched = compiled(jax.device_put(idx, sharding))  # asynchronous: overlaps the previous chunk's I/O
            if pending is not None:
                finish(*pending)
            pending = (i, launched)
        if pending is not None:
            finish(*pending)
        run_s = time.perf_counter() - t0
        bar.close()

        run = {"jax": jax.__version__, "backend": jax.default_backend(), "devices": len(devices),
               "device_kind": devices[0].device_kind, "batch": batch, "workers": count, "worker": rank,
               "chunks_computed": len(mine) - loaded, "chunks_loaded": loaded, "points_computed": computed,
               "compile_s": compile_s, "run_s": run_s,
               "points_per_s": computed / run_s if run_s > 0 and computed else None}  # fmt: skip
        if count == 1:
            return _result(keeper.finish(state), manifest, run)
        if distributed:
            _barrier("fits.scan:end", distributed)
            _wait_for(lambda: not missing_chunks(out), f"the chunks of the other processes in {out}", wait_s)
        elif missing_chunks(out):
            return None
        result = merge(out, keep)
        return result._replace(metadata={**result.metadata, "run": run})
