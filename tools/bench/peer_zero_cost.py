"""PyTorch CPU peer for `perfMetrics` (libs/metrics/src/perf.ts): NASLib-style zero-cost proxies on
the same single-architecture NB201 networks (C=16, N=5, batch 64), timed the same way as ours (network
build included, median over repeats x architectures).

Reads one JSON object on argv[1]:
  {"archs": [NB201 strings], "metrics": [names], "batch": 64, "C": 16, "N": 5, "classes": 10,
   "repeats": 1, "threads": 2}
Prints one JSON object: {"torch": version, "threads": n, "model": ..., "rows": [{"metric", "median_ms", "median_cpu_ms", "values"}]}.

Only the proxies whose NASLib definition is one pass (or two) over the network are here: they are
what the per-architecture timing is made of. Definitions follow NASLib's `predictors/utils/pruners/measures`.
"""
import json
import statistics
import sys
import time

import torch
import torch.nn as nn

from peer_nb201 import build


def weight_layers(net):
    return [m for m in net.modules() if isinstance(m, (nn.Conv2d, nn.Linear))]


def grad_pass(net, x, y):
    net.zero_grad(set_to_none=True)
    nn.functional.cross_entropy(net(x), y).backward()
    return weight_layers(net)


def grad_norm(net, x, y):
    return sum(m.weight.grad.norm().item() for m in grad_pass(net, x, y) if m.weight.grad is not None)


def snip(net, x, y):
    return sum((m.weight.grad * m.weight).abs().sum().item() for m in grad_pass(net, x, y) if m.weight.grad is not None)


def synflow(net, x, _y):
    # |θ| in double precision, one all-ones image, BN off (eval with fresh statistics = identity).
    net = net.double().eval()
    with torch.no_grad():
        signs = {name: p.sign() for name, p in net.state_dict().items()}
        for p in net.state_dict().values():
            p.abs_()
    net.zero_grad(set_to_none=True)
    torch.sum(net(torch.ones((1,) + tuple(x.shape[1:]), dtype=torch.float64))).backward()
    value = sum((m.weight * m.weight.grad).abs().sum().item() for m in weight_layers(net) if m.weight.grad is not None)
    with torch.no_grad():
        for name, p in net.state_dict().items():
            p.mul_(signs[name])
    return value


def jacob_cov(net, x, _y):
    x = x.clone().requires_grad_(True)
    net.zero_grad(set_to_none=True)
    net(x).sum().backward()
    jac = x.grad.reshape(x.shape[0], -1)
    corr = torch.corrcoef(jac)
    eig = torch.linalg.eigvalsh(corr)
    k = 1e-5
    return -torch.sum(torch.log(eig + k) + 1.0 / (eig + k)).item()


def nwot(net, x, _y):
    codes = []

    def hook(_module, _inp, out):
        codes.append((out.detach().reshape(out.shape[0], -1) > 0).float())

    handles = [m.register_forward_hook(hook) for m in net.modules() if isinstance(m, nn.ReLU)]
    with torch.no_grad():
        net(x)
    for h in handles:
        h.remove()
    kernel = torch.zeros(x.shape[0], x.shape[0])
    for c in codes:
        kernel += c @ c.t() + (1 - c) @ (1 - c).t()
    return torch.slogdet(kernel)[1].item()


def grasp(net, x, y):
    # NASLib's grasp with split_data = 1: g from a first pass, then H g as the gradient of g . dL/dW
    # taken with create_graph, score -sum(W * H g).
    weights = [m.weight for m in weight_layers(net)]
    net.zero_grad(set_to_none=True)
    first = torch.autograd.grad(nn.functional.cross_entropy(net(x), y), weights, allow_unused=True)
    second = torch.autograd.grad(nn.functional.cross_entropy(net(x), y), weights, create_graph=True, allow_unused=True)
    z = sum((g.detach() * f).sum() for g, f in zip(first, second) if g is not None and f is not None)
    hg = torch.autograd.grad(z, weights, allow_unused=True)
    return -sum((w * h).sum().item() for w, h in zip(weights, hg) if h is not None)


PROXIES = {"grad_norm": grad_norm, "snip": snip, "synflow": synflow, "jacob_cov": jacob_cov, "nwot": nwot, "grasp": grasp}


def main():
    spec = json.loads(sys.argv[1])
    torch.set_num_threads(int(spec.get("threads", 2)))
    x = torch.randn(spec["batch"], 3, 32, 32)
    y = torch.arange(spec["batch"]) % spec["classes"]
    rows, models = [], set()
    for metric in spec["metrics"]:
        proxy = PROXIES[metric]
        times, cpu, values = [], [], []
        for r in range(spec.get("repeats", 1)):
            for arch in spec["archs"]:
                torch.manual_seed(r)
                t, c = time.perf_counter(), time.process_time()
                net, kind = build(arch, spec["C"], spec["N"], spec["classes"])
                net.train()
                values.append(proxy(net, x, y))
                times.append((time.perf_counter() - t) * 1000)
                cpu.append((time.process_time() - c) * 1000)
                models.add(kind)
        rows.append({"metric": metric, "median_ms": statistics.median(times), "median_cpu_ms": statistics.median(cpu), "values": values})
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "model": "+".join(sorted(models)), "rows": rows}))


if __name__ == "__main__":
    main()
