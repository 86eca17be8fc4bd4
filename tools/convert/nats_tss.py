"""Convert the official NATS-Bench topology archive into fsnas's accuracy table.

Usage: nats_tss.py <NATS-tss-v1_0-3ffb9-simple.tar or its extracted folder> <output csv>

Reads every architecture through the official `nats_bench` API (hp=200, mean over seeds, as the
paper's code does) and writes one row per NATS index: the cifar10 ori-test accuracy, the CIFAR-100
and ImageNet16-120 x-test accuracies, and the arch string.
"""
import csv
import os
import sys
import tarfile
import tempfile


def extracted(path: str) -> str:
    if os.path.isdir(path):
        return path
    target = tempfile.mkdtemp(prefix="nats-tss-")
    with tarfile.open(path) as archive:
        archive.extractall(target, filter="data")
    [folder] = [os.path.join(target, name) for name in os.listdir(target)]
    return folder


def main(source: str, output: str) -> None:
    from nats_bench import create

    api = create(extracted(source), "tss", fast_mode=True, verbose=False)
    partial = output + ".partial"
    with open(partial, "w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["CIFAR10TestAccuracy200Epochs", "CIFAR100TestAccuracy200Epochs", "ImageNetTestAccuracy200Epochs", "ArchitectureString", "UniqueString"])
        for index in range(len(api)):
            accuracies = [api.get_more_info(index, dataset, hp="200", is_random=False)["test-accuracy"] for dataset in ("cifar10", "cifar100", "ImageNet16-120")]
            writer.writerow([*accuracies, api.arch(index), ""])
            if index % 1000 == 0:
                print(f"nats-tss: {index}/{len(api)}", file=sys.stderr, flush=True)
    os.replace(partial, output)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
