"""Export the F2a-collapse sweep's trajectories from a local MLflow artifact store to docs/results.

Usage: python3 tools/results/export-f2a-collapse.py <checkout> <budget> <out.json> <engine>
<checkout> is the checkout whose `reproduce --finding F2a` made the runs (its data/mlflow holds them).
Each search is read from its MLflow run's result.json artifact, so every row names the run it came
from; the commit is the checkout's HEAD at export time (the runs' own mlflow.source.git.commit tag
says the commit that made them). <engine> describes what computed them (the reproduce log's backend line).
"""
import glob
import json
import os
import subprocess
import sys

checkout, budget, out, engine = sys.argv[1:5]
commit = subprocess.run(['git', '-C', checkout, 'rev-parse', 'HEAD'], capture_output=True, text=True, check=True).stdout.strip()
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
    searches.append({'run_id': run_id, 'net': f"C{r['net']['C']}N{r['net']['N']}", 'family': r['family'], 'leaf': r['leaf'],
                     'seed': r['seed'], 'epochs': len(r['epochs']),
                     'steps_per_epoch': steps, 'summary': r['summary'], 'trajectory': trajectory})
searches.sort(key=lambda s: (s['net'], s['family'], s['seed']))
doc = {'finding': 'F2a-collapse', 'budget': budget, 'commit': commit, 'dataset': 'cifar10', 'engine': engine,
       'accuracy': 'NB201 CIFAR-10 test accuracy (%) of the derived cell', 'collapse_threshold_param_free_ops': 4, 'searches': searches}
with open(out + '.tmp', 'w') as f:
    json.dump(doc, f, indent=1)
    f.write('\n')
os.replace(out + '.tmp', out)
print(f'{out}: {len(searches)} searches')
