"""Gazetteer throughput: documents per second for ``Gazetteer.find`` on ~2 KB texts, one core.

Run: ``python bench/gazetteer_bench.py [N]``. Prints figures; it asserts
nothing, because timings belong in a report, not in a test.

The documents are SYNTHETIC: words drawn with a fixed seed from small
English, Russian and Armenian word lists plus place names, so that about
one word in fifty is a name (more than real reports have, which makes the
figure conservative). They are not news and say nothing about any event.
"""

from __future__ import annotations

import random
import sys
import time

from dashboard.gazetteer import load_gazetteer

# Synthetic filler words (not quotations): common function words and border vocabulary.
_FILLER_TEXT = {
    "en": "the of and to in a that said was for on with as by troops border village positions "
    "fire shelling ministry defence reported according statement forces military armed near "
    "side area direction units soldiers wounded killed night morning Armenian Azerbaijani The "
    "Ministry On Monday President Minister Government",
    "ru": "в и на по с что не со стороны границы позиции обстрел министерство обороны заявило "
    "военнослужащих ранен ночью утром армянской азербайджанской В По Министерство",
    "hy": "և որ մեջ սահմանի դիրքեր կրակոցներ պաշտպանության նախարարություն հայտնել է",
}
_FILLER = {lang: text.split() for lang, text in _FILLER_TEXT.items()}
_NAMES = {
    "en": ["Syunik", "Gegharkunik province", "Kalbajar district", "Tavush", "Lachin", "Sev Lich",
           "Sotk", "Goris", "Moscow", "Ararat Mirzoyan", "in Ararat", "Gegharkunik – Kalbajar"],
    "ru": ["Сюникской области", "Гехаркунике", "Кельбаджарского района", "Тавуше", "Лачин",
           "Москве", "в Арарате"],
    "hy": ["Սյունիքի մարզում", "Գեղարքունիքում", "Տավուշի", "Երևանում"],
}  # fmt: skip


def synthetic_documents(n: int, size: int = 2000, seed: int = 1) -> list[str]:
    """``n`` synthetic documents of about ``size`` characters each (see the module docstring)."""
    rng = random.Random(seed)
    docs = []
    for k in range(n):
        lang = ("en", "en", "ru", "hy")[k % 4]
        out: list[str] = []
        length = 0
        while length < size:
            word = rng.choice(_NAMES[lang]) if rng.random() < 0.02 else rng.choice(_FILLER[lang])
            out.append(word)
            length += len(word) + 1
        docs.append(" ".join(out))
    return docs


def main(n: int = 4000) -> None:
    started = time.perf_counter()
    gazetteer = load_gazetteer()
    print(f"load: {time.perf_counter() - started:.2f} s, {len(gazetteer)} places")
    docs = synthetic_documents(n)
    size = sum(len(d) for d in docs) / len(docs)
    for run in ("cold", "warm"):  # the first run also fills the word-folding cache
        started = time.perf_counter()
        matches = sum(len(gazetteer.find(doc)) for doc in docs)
        elapsed = time.perf_counter() - started
        print(
            f"find ({run}): {n / elapsed:,.0f} documents/s of {size:,.0f} chars "
            f"({n * size / elapsed / 1e6:.1f} MB/s), {matches / n:.1f} matches per document"
        )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 4000)
