"""Regenerate libs/splitting/src/fixtures/python-reference.json with real CPython.

Run once (python3 libs/splitting/scripts/gen-fixtures.py) and commit the JSON: the TypeScript tests
compare against it, so they do not need Python. The reference procedures below are transcribed from
docs/reference.md §3.1, §3.4 and §3.5 (not from the reference repository) so that the fixtures pin
down exactly how they consume Python's `random` stream.
"""
import itertools
import json
import math
import os
import random
import sys

OUT = os.path.join(os.path.dirname(__file__), '..', 'src', 'fixtures', 'python-reference.json')


def np_std(c):
    mean = sum(c) / len(c)
    return math.sqrt(sum((x - mean) ** 2 for x in c) / len(c))


def ascending_split(m, b_list, drop_leaves, seed):
    """docs/reference.md §3.1 ascending_split."""
    random.seed(seed)
    pool = sorted(b_list)
    q = m
    level = 0
    n_nodes = [1]
    used = [1, min(pool)]
    splits = []
    while q / used[-1] > 1:
        last = used[-1]
        q = q / last
        splits.append([last] * n_nodes[-1])
        n_nodes.append(math.prod(used))
        if len(pool) > 1:
            pool.remove(last)
        used.append(min(pool))
        level += 1
    assert n_nodes[-1] <= 32
    if not drop_leaves:
        combos = [c for c in itertools.combinations_with_replacement(used, n_nodes[-1]) if sum(c) == m]
        best = combos[0]
        for c in combos[1:]:
            if min(c) >= min(best) and max(c) <= max(best) and np_std(c) <= np_std(best):
                best = c
        best = list(best)
        random.shuffle(best)
        splits.append(best)
    return splits


def construct_random_op_splits(ops, k, seed):
    """docs/reference.md §3.5 step 3."""
    random.seed(seed)
    ops = list(ops)
    random.shuffle(ops)
    n = len(ops)
    groups = [[] for _ in range(k)]
    for o in ops[: n - k]:
        groups[random.choice(range(k))].append(o)
    rest = ops[n - k:]
    i = 0
    for g in groups:
        if not g:
            g.append(rest[i])
            i += 1
    for o in rest[i:]:
        groups[random.choice(range(k))].append(o)
    return groups


def random_splits(rows, child_idx, edges, level, seed, splits, mode, order, out, record):
    """docs/reference.md §3.5 random_splits, with the reference's child-index factor lookup."""
    random.seed(seed)
    s_it = random.choice(range(10000))
    random.seed(s_it)
    if mode == 'random':
        e = random.choice(edges)
    else:
        e = order[level]
    ops = rows[e]
    k = splits[level][child_idx]
    groups = construct_random_op_splits(ops, k, seed)
    record.append({'level': level, 'seed': seed, 'edge': e, 'groups': groups})
    children = []
    for g in groups:
        r = [list(x) for x in rows]
        r[e] = sorted(g)
        children.append(r)
    if level == len(splits) - 1:
        out.extend(children)
        return
    rest_edges = [x for x in edges if x != e]
    for i, c in enumerate(children):
        random_splits(c, i, rest_edges, level + 1, random.choice(range(10000 * (i + 1))), splits, mode, order, out, record)


def graph_cuts(ops, D, remaining):
    """docs/reference.md §3.4 enumeration, in the reference's insertion order."""
    n = len(ops)
    entries = []
    if remaining == 1:
        for s in range(1, n // 2 + 1):
            for p in itertools.permutations(ops, s):
                rest = [o for o in ops if o not in p]
                total = 0
                for a in p:
                    for b in rest:
                        total += D[a][b]
                entries.append(([list(p), rest], total))
    else:
        for s in range(1, n // 2):
            for p in itertools.permutations(ops, s):
                rest = [o for o in ops if o not in p]
                cross = 0
                for a in p:
                    for b in rest:
                        cross += D[a][b]
                for groups, sub in graph_cuts(rest, D, remaining - 1):
                    entries.append(([list(p)] + groups, sub + cross))
    return entries


def clusterize(k, D, ops):
    if k == 1:
        return [list(ops)], 0
    if k == len(ops):
        return [[o] for o in ops], 0
    entries = graph_cuts(ops, D, k - 1)
    best = min(entries, key=lambda x: x[1])
    return best[0], len(entries)


def main():
    fx = {'python': sys.version.split()[0]}

    seeds = [0, 1, 42, 777, 888, 999, 12345, 2**32 - 1, 2**32, 2**32 + 5, 2**40 + 12345, 2**64 + 3, -7]
    prng = []
    for s in seeds:
        random.seed(s)
        u32 = [random.getrandbits(32) for _ in range(8)]
        random.seed(s)
        floats = [random.random() for _ in range(4)]
        random.seed(s)
        bits = {str(k): [random.getrandbits(k) for _ in range(3)] for k in [1, 3, 7, 13, 31, 32]}
        random.seed(s)
        below = {str(n): [random.randrange(n) for _ in range(5)] for n in [1, 2, 3, 5, 6, 10, 10000, 20000, 2**31 + 1]}
        random.seed(s)
        choice = [random.choice(range(10000)) for _ in range(5)]
        random.seed(s)
        sh10 = list(range(10))
        random.shuffle(sh10)
        sh5 = list(range(5))
        random.shuffle(sh5)
        prng.append({'seed': str(s), 'uint32': u32, 'random': [repr(f) for f in floats], 'getrandbits': bits,
                     'randbelow': below, 'choiceRange10000': choice, 'shuffle10': sh10, 'shuffle5then': sh5})
    fx['prng'] = prng

    # Edge choice in metric splits, random mode (docs/reference.md §3.2): reseed before every choice.
    edge_orders = {}
    for s in [0, 1, 42, 777, 888, 999]:
        edges = list(range(6))
        order = []
        for _ in range(6):
            random.seed(s)
            e = random.choice(edges)
            order.append(e)
            edges = [x for x in edges if x != e]
        edge_orders[str(s)] = order
    fx['referenceRandomEdgeOrder'] = edge_orders

    asc = []
    for b in [[2], [3], [2, 3], [4], [2, 4]]:
        for m in range(1, 33):
            for drop in [False, True]:
                for seed in [0, 888]:
                    try:
                        levels = ascending_split(m, b, drop, seed)
                    except (AssertionError, IndexError) as e:
                        levels = None
                    asc.append({'m': m, 'b': b, 'dropLeaves': drop, 'seed': seed, 'levels': levels})
    fx['ascendingSplit'] = asc

    rs = []
    for (m, order, mode) in [(8, [0, 1, 2], 'order'), (4, [0, 1], 'order'), (6, [0, 1, 2], 'order'),
                             (7, [3, 4, 5], 'order'), (16, [0, 1, 2, 3], 'order'), (8, None, 'random'),
                             (5, None, 'random')]:
        for seed in [888, 777, 999, 0, 1]:
            splits = ascending_split(m, [2], False, seed)
            out, record = [], []
            random_splits([list(range(5))] * 6, 0, list(range(6)), 0, seed, splits, mode, order, out, record)
            rs.append({'target': m, 'order': order, 'mode': mode, 'seed': seed, 'levels': splits,
                       'leaves': out, 'nodes': record})
    fx['randomSplits'] = rs

    rng = random.Random(2024)
    cl = []
    for t in range(30):
        n = 5 if t < 20 else rng.choice([3, 4, 6])
        vals = [round(rng.random(), 3) if t % 3 else rng.choice([0.0, 0.5, 1.0]) for _ in range(n)]
        if t % 2:
            D = [[-abs(vals[i] - vals[j]) for j in range(n)] for i in range(n)]
        else:
            D = [[0.0] * n for _ in range(n)]
            for i in range(n):
                for j in range(i + 1, n):
                    D[i][j] = D[j][i] = round(rng.random(), 2)
        results = []
        for k in range(1, n + 1):
            groups, count = clusterize(k, D, list(range(n)))
            results.append({'k': k, 'groups': groups, 'enumerated': count})
        cl.append({'W': D, 'results': results})
    fx['clusterize'] = cl

    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, 'w') as f:
        json.dump(fx, f, separators=(',', ':'))
        f.write('\n')
    print('wrote', OUT, os.path.getsize(OUT), 'bytes')


if __name__ == '__main__':
    main()
