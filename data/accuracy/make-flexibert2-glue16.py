#!/usr/bin/env python3
"""Rebuilds data/accuracy/flexibert2_glue16.json from the TransCODE repository's table of
evaluated FlexiBERT 2.0 models (jha-lab/transcode, surrogate_modeling/dataset/
dataset_transformer.json, added in commit 0709b04). Every model is kept, in the upstream
order, with its hash, model dict, model type, 37-integer encoding (upstream a string,
here a list), GLUE score (kept as upstream writes it: a string, or null where none was
published) and pre-training loss; the pre-training step counts are dropped.

Usage: git clone https://github.com/jha-lab/transcode
       data/accuracy/make-flexibert2-glue16.py transcode/surrogate_modeling/dataset/dataset_transformer.json"""
import json
import os
import sys

upstream = json.load(open(sys.argv[1]))
table = {
    "source": "jha-lab/transcode surrogate_modeling/dataset/dataset_transformer.json: 16 FlexiBERT 2.0 models "
    "with their 37-integer encodings and GLUE scores (null where not published)",
    "models": [
        {
            "hash": key,
            "model": entry["model_dict"],
            "model_type": entry["model_type"],
            "embedding37": json.loads(entry["embedding"]),
            "glue": entry["glue"],
            "pretrain_loss": entry["pretrain"]["loss"],
        }
        for key, entry in upstream.items()
    ],
}
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "flexibert2_glue16.json")
with open(out, "w", encoding="utf-8") as f:
    f.write(json.dumps(table, indent=1, ensure_ascii=False))
