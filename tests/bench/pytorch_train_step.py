#!/usr/bin/python3
"""PyTorch peer of bench_train_step: the same model and step (2 layers, hidden 128, 4 heads,
FF 512, GELU, post-norm, batch 32 x sequence 64, vocabulary 1000, learned positions +
embedding layer norm, mean-pool + linear head, SGD). Prints the median step time.
Run with Debian's /usr/bin/python3 (python3-torch); see run_train_bench.sh."""
import argparse
import statistics
import time

import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, vocab=1000, seq=64, hidden=128, heads=4, ff=512, layers=2, classes=2):
        super().__init__()
        self.tokens = nn.Embedding(vocab, hidden)
        self.positions = nn.Parameter(torch.randn(seq, hidden) * 0.02)
        self.norm = nn.LayerNorm(hidden)
        layer = nn.TransformerEncoderLayer(hidden, heads, ff, dropout=0.0, activation="gelu",
                                           batch_first=True, norm_first=False)
        self.encoder = nn.TransformerEncoder(layer, layers)
        self.classifier = nn.Linear(hidden, classes)

    def forward(self, tokens):
        x = self.norm(self.tokens(tokens) + self.positions)
        x = self.encoder(x)
        return self.classifier(x.mean(dim=1))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--steps", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(7)
    model = Model()
    model.train()
    optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    loss_fn = nn.CrossEntropyLoss()
    tokens = torch.randint(1, 1000, (32, 64))
    labels = torch.randint(0, 2, (32,))
    times = []
    for step in range(args.warmup + args.steps):
        t0 = time.perf_counter()
        optimizer.zero_grad(set_to_none=True)
        loss = loss_fn(model(tokens), labels)
        loss.backward()
        optimizer.step()
        t1 = time.perf_counter()
        if step >= args.warmup:
            times.append((t1 - t0) * 1000.0)
    times.sort()
    print(f"pytorch threads={args.threads} steps={args.steps} median_ms={statistics.median(times):.2f} "
          f"min_ms={times[0]:.2f} torch={torch.__version__} loss={loss.item():.4f}")


if __name__ == "__main__":
    main()
