"""Export the F2a-collapse sweep's trajectories from a local MLflow artifact store to docs/results.

Usage: python3 tools/results/export-f2a-collapse.py <checkout> <budget> <out.json> <engine>
<checkout> is the checkout whose `reproduce --finding F2a` (or `fsnas run F2a`) made the runs: its
data/mlflow holds them. Each search is read from its MLflow run's result.json artifact, so every row
names the run it came from and the commit that made it (the run's mlflow.source.git.commit tag).
When <out.json> exists, its searches that this store does not hold are kept (a sweep finished over
several sittings, whose earlier stores are gone), and the ones it holds are replaced. <engine>
describes what computed the new runs (the reproduce log's backend line).
"""
import glob
import json
import os
import sqlite3
import subprocess
import sys

checkout, budget, out, engine = sys.argv[1:5]
commit = subprocess.run(['git', '-C', checkout, 'rev-parse', 'HEAD'], capture_output=True, text=True, check=True).stdout.strip()
store = sqlite3.connect(os.path.join(checkout, 'data/mlflow/mlflow.db'))


def run_commit(run_id):
    row = store.execute("SELECT value FROM tags WHERE run_uuid = ? AND key = 'mlflow.source.git.commit'", (run_id,)).fetchone()
    if row is None:
        sys.exit(f'run {run_id} has no mlflow.source.git.commit tag')
    return row[0]


searches = []
for path in sorted(glob.glob(os.path.join(checkout, 'data/mlflow/artifacts/*/*/artifacts/result.json'))):
    run_id = path.split(os.sep)[-3]
    r = json.load(open(path))
    if r['search'] != budget:
        continue
    steps = r['stepsPerEpoch']
    elapsed = 0.0
    trajectory = []
    for e in r['epochs']:
        elapsed += e['seconds']
        entropy = e['alphaEntropy']
        trajectory.append({'epoch': e['epoch'], 'step': e['epoch'] * steps, 'seconds': round(elapsed, 1), 'derived': e['derived'],
                           'accuracy': e['accuracy'], 'param_free_ops': e['paramFreeOps'],
                           'alpha_entropy_mean': sum(entropy) / len(entropy)})
    searches.append({'run_id': run_id, 'commit': run_commit(run_id), 'engine': engine, 'net': f"C{r['net']['C']}N{r['net']['N']}", 'family': r['family'], 'leaf': r['leaf'],
                     'seed': r['seed'], 'epochs': len(r['epochs']),
                     'steps_per_epoch': steps, 'summary': r['summary'], 'trajectory': trajectory})
identity = lambda s: (s['net'], s['family'], s['leaf'], s['seed'])
if os.path.exists(out):
    earlier = json.load(open(out))
    # Files written before searches carried their own commit and engine: the file's were theirs.
    kept = [{'commit': earlier.get('commit'), 'engine': earlier.get('engine'), **s} for s in earlier['searches'] if identity(s) not in {identity(n) for n in searches}]
    searches += kept
searches.sort(key=lambda s: (s['net'], s['family'], s['seed']))
doc = {'finding': 'F2a-collapse', 'budget': budget, 'commit': commit, 'dataset': 'cifar10',
       'accuracy': 'NB201 CIFAR-10 test accuracy (%) of the derived cell', 'collapse_threshold_param_free_ops': 4, 'searches': searches}
with open(out + '.tmp', 'w') as f:
    json.dump(doc, f, indent=1)
    f.write('\n')
os.replace(out + '.tmp', out)
print(f'{out}: {len(searches)} searches')
