"""The prompts serve any corpus: none of them may carry the seed corpus's names or topics."""

from collections import Counter
from importlib import resources

import assistant.text as T

from conftest import SEEDS

TOPIC_WORDS = 60  # the seed corpus's most frequent content words stand for its topics
# ...except words any text uses, whatever its subject (stemmed)
GENERIC = set(T.tokenize("first last new next two year much help need part move work run add "
                         "current earlier latest however indeed mr people public million "
                         "report develop area create update"))


def prompt_texts() -> dict[str, str]:
    folder = resources.files("assistant.prompts")
    return {p.name: p.read_text(encoding="utf-8") for p in folder.iterdir()
            if p.name.endswith(".txt")}


def seed_vocabulary() -> set[str]:
    counts: Counter = Counter()
    names: set[str] = set()
    for path in SEEDS.glob("*.txt"):
        text = path.read_text(encoding="utf-8")
        counts.update(T.tokenize(text))
        names |= T.names(text)
    return ({w for w, _ in counts.most_common(TOPIC_WORDS)} | names) - GENERIC


def test_prompts_name_no_entity_or_topic_of_the_seed_corpus():
    seeds = seed_vocabulary()
    assert {"trust", "council", "northamptonshir"} <= seeds  # the check sees the corpus
    for name, text in prompt_texts().items():
        used = (set(T.tokenize(text)) | T.names(text)) & seeds
        assert not used, f"{name} uses words of the seed corpus: {sorted(used)}"
