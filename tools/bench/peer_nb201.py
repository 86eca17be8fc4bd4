"""PyTorch CPU peer for `perfNn` (libs/nn/src/perf.ts): the same NB201 workloads, timed the same way.

Reads one JSON object on argv[1]:
  {"workloads": [{"name", "arch" (NB201 string or "supernet"), "batch", "mode": "train-step"|"fwd-bwd"}],
   "C": 16, "N": 5, "classes": 10, "repeats": 3, "warmup": 1, "threads": 2}
Prints one JSON object: {"torch": version, "threads": n, "model": "xautodl"|"own", "rows": [{"name", "median_ms", "median_cpu_ms", "params"}]}.

The single-architecture net is xautodl's `get_cell_based_tiny_net` (the NAS-Bench-201 code) when it
imports; the masked supernet ("joint" mode: each edge = mean of all 5 ops, `none` skipped but counted)
is this file's own small model, written from docs/reference.md §1 like the TypeScript one.
"""
import json
import statistics
import sys
import time

import torch
import torch.nn as nn

OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]


class ReLUConvBN(nn.Sequential):
    def __init__(self, cin, cout, k, stride):
        super().__init__(nn.ReLU(inplace=False), nn.Conv2d(cin, cout, k, stride, (k - 1) // 2, bias=False), nn.BatchNorm2d(cout))


def make_op(name, c):
    if name == "skip_connect":
        return nn.Identity()
    if name == "nor_conv_1x1":
        return ReLUConvBN(c, c, 1, 1)
    if name == "nor_conv_3x3":
        return ReLUConvBN(c, c, 3, 1)
    if name == "avg_pool_3x3":
        return nn.AvgPool2d(3, 1, 1, count_include_pad=False)
    raise ValueError(name)


class Cell(nn.Module):
    """Edges in arch-string order; edge e keeps its allowed ops (`none` only counts in the mean)."""

    EDGES = [(1, 0), (2, 0), (2, 1), (3, 0), (3, 1), (3, 2)]

    def __init__(self, c, allowed):
        super().__init__()
        self.allowed = allowed
        self.edges = nn.ModuleList(nn.ModuleList(make_op(OPS[o], c) for o in ops if o != 0) for ops in allowed)

    def forward(self, x):
        nodes = [x]
        for i in range(1, 4):
            acc = 0
            for e, (to, frm) in enumerate(self.EDGES):
                if to != i:
                    continue
                outs = [op(nodes[frm]) for op in self.edges[e]]
                if outs:
                    acc = acc + sum(outs) / len(self.allowed[e])
            nodes.append(acc if torch.is_tensor(acc) else torch.zeros_like(x))
        return nodes[3]


class Block(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.a = ReLUConvBN(cin, cout, 3, 2)
        self.b = ReLUConvBN(cout, cout, 3, 1)
        self.down = nn.Sequential(nn.AvgPool2d(2, 2), nn.Conv2d(cin, cout, 1, bias=False))

    def forward(self, x):
        return self.down(x) + self.b(self.a(x))


class Net(nn.Module):
    def __init__(self, allowed, C, N, classes):
        super().__init__()
        layers = [nn.Conv2d(3, C, 3, padding=1, bias=False), nn.BatchNorm2d(C)]
        for s in range(3):
            c = C << s
            if s:
                layers.append(Block(c // 2, c))
            layers += [Cell(c, allowed) for _ in range(N)]
        layers += [nn.BatchNorm2d(4 * C), nn.ReLU()]
        self.features = nn.Sequential(*layers)
        self.classifier = nn.Linear(4 * C, classes)

    def forward(self, x):
        return self.classifier(self.features(x).mean((2, 3)))


def parse_arch(s):
    nodes = [n for n in s.split("+")]
    ops = []
    for node in nodes:
        for tok in node.strip("|").split("|"):
            ops.append(OPS.index(tok.split("~")[0]))
    return ops


def build(arch, C, N, classes):
    if arch == "supernet":
        return Net([[0, 1, 2, 3, 4]] * 6, C, N, classes), "own"
    try:
        from xautodl.models import get_cell_based_tiny_net  # the NB201 reference model

        cfg = {"name": "infer.tiny", "C": C, "N": N, "arch_str": arch, "num_classes": classes}
        return XautodlLogits(get_cell_based_tiny_net(_Dict(cfg))), "xautodl"
    except Exception:  # noqa: BLE001 - any import/config failure falls back to the own model
        return Net([[o] for o in parse_arch(arch)], C, N, classes), "own"


class _Dict(dict):
    # hasattr() must see AttributeError for missing keys (xautodl probes config.genotype).
    def __getattr__(self, key):
        try:
            return self[key]
        except KeyError as err:
            raise AttributeError(key) from err


class XautodlLogits(nn.Module):
    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, x):
        return self.net(x)[1]


def main():
    spec = json.loads(sys.argv[1])
    torch.set_num_threads(int(spec.get("threads", 2)))
    torch.manual_seed(0)
    rows = []
    models = set()
    for w in spec["workloads"]:
        net, kind = build(w["arch"], spec["C"], spec["N"], spec["classes"])
        models.add(kind)
        x = torch.randn(w["batch"], 3, 32, 32)
        y = torch.arange(w["batch"]) % spec["classes"]
        loss_fn = nn.CrossEntropyLoss()
        opt = torch.optim.SGD(net.parameters(), lr=0.025, momentum=0.9, nesterov=True, weight_decay=5e-4)
        train_step = w["mode"] == "train-step"
        net.train(train_step)

        def step():
            net.zero_grad(set_to_none=True)
            loss = loss_fn(net(x), y)
            loss.backward()
            if train_step:
                opt.step()

        times, cpu = [], []
        for i in range(spec["warmup"] + spec["repeats"]):
            t, c = time.perf_counter(), time.process_time()
            step()
            if i >= spec["warmup"]:
                times.append((time.perf_counter() - t) * 1000)
                cpu.append((time.process_time() - c) * 1000)
        rows.append(
            {
                "name": w["name"],
                "median_ms": statistics.median(times),
                "median_cpu_ms": statistics.median(cpu),
                "params": sum(p.numel() for p in net.parameters()),
            }
        )
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "model": "+".join(sorted(models)), "rows": rows}))


if __name__ == "__main__":
    main()
