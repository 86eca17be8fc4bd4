"""PyTorch check of fsnas's proxies on the *same* weights and batch (libs/metrics/src/validation/torch-check.ts).

Reads argv[1], the JSON-encoded path of a JSON file (the weights are too large for an argument):
  {"C", "N", "classes", "metrics": [names of peer_zero_cost.PROXIES], "threads",
   "x": {"shape": [B, H, W, 3], "data": base64 float32 NHWC}, "y": [labels],
   "networks": [{"arch": NB201 string, "weights": [{"name", "shape", "data": base64 float32}]}]}
The weights are fsnas's Conv/Linear weights in module order (conv HWIO, linear [in, out]) followed
by the classifier bias; they are loaded into this folder's own NB201 model (peer_nb201.Net), whose
Conv/Linear modules come in the same order. Prints one JSON line:
  {"torch": version, "rows": [{"arch", "loss", "values": {metric: value}}]}.
"""
import base64
import json
import math
import sys

import numpy as np
import torch
import torch.nn as nn

from peer_nb201 import Net, parse_arch
from peer_zero_cost import PROXIES, weight_layers


def array(blob, shape):
    return torch.from_numpy(np.frombuffer(base64.b64decode(blob["data"] if isinstance(blob, dict) else blob), dtype="<f4").copy().reshape(shape))


def load(net, weights):
    layers = weight_layers(net)
    tensors = [w for w in weights if w["name"] != "classifier.bias"]
    if len(tensors) != len(layers):
        raise SystemExit(f"{len(tensors)} weight tensors for {len(layers)} Conv/Linear modules")
    with torch.no_grad():
        for module, w in zip(layers, tensors):
            t = array(w, w["shape"])
            t = t.permute(3, 2, 0, 1) if t.dim() == 4 else t.t()
            if tuple(t.shape) != tuple(module.weight.shape):
                raise SystemExit(f"{w['name']}: shape {tuple(t.shape)} does not fit {tuple(module.weight.shape)}")
            module.weight.copy_(t)
        bias = next(w for w in weights if w["name"] == "classifier.bias")
        net.classifier.bias.copy_(array(bias, bias["shape"]))


def main():
    with open(json.loads(sys.argv[1]), encoding="utf8") as f:
        spec = json.load(f)
    torch.set_num_threads(int(spec.get("threads", 2)))
    x = array(spec["x"], spec["x"]["shape"]).permute(0, 3, 1, 2).contiguous()
    y = torch.tensor(spec["y"], dtype=torch.long)
    rows = []
    for network in spec["networks"]:
        values = {}
        for metric in spec["metrics"]:
            net = Net([[o] for o in parse_arch(network["arch"])], spec["C"], spec["N"], spec["classes"])
            load(net, network["weights"])
            net.train()
            value = PROXIES[metric](net, x, y)
            # NASLib's ZeroCost.query reports synflow as a signed log.
            values[metric] = math.copysign(math.log(abs(value)), value) if metric == "synflow" and value != 0 else value
        net = Net([[o] for o in parse_arch(network["arch"])], spec["C"], spec["N"], spec["classes"])
        load(net, network["weights"])
        with torch.no_grad():
            loss = nn.functional.cross_entropy(net.train()(x), y).item()
        rows.append({"arch": network["arch"], "loss": loss, "values": values})
    print(json.dumps({"torch": torch.__version__, "rows": rows}))


if __name__ == "__main__":
    main()
