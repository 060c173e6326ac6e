"""The prompts and the language rules serve any corpus: none of them may carry the seed
corpus's names or topics."""

from collections import Counter
from importlib import resources
from pathlib import Path

import assistant.language
import assistant.text as T
from assistant.language.names import names

from conftest import SEEDS

TOPIC_WORDS = 60  # the seed corpus's most frequent content words stand for its topics
# ...except words any text uses, whatever its subject (stemmed)
GENERIC = set(T.tokenize("first last new next two year much help need part move work run add "
                         "current earlier latest however indeed mr people public million "
                         "report develop area create update cost digits topic save "
                         "january february march "
                         "april may june july august september october november december"))


def prompt_texts() -> dict[str, str]:
    folder = resources.files("assistant.prompts")
    return {p.name: p.read_text(encoding="utf-8") for p in folder.iterdir()
            if p.name.endswith(".txt")}


def seed_vocabulary() -> set[str]:
    counts: Counter = Counter()
    found: set[str] = set()
    for path in SEEDS.glob("*.txt"):
        text = path.read_text(encoding="utf-8")
        counts.update(T.tokenize(text))
        found |= names(text)
    return ({w for w, _ in counts.most_common(TOPIC_WORDS)} | found) - GENERIC


def test_prompts_name_no_entity_or_topic_of_the_seed_corpus():
    seeds = seed_vocabulary()
    assert {"trust", "council", "northamptonshir"} <= seeds  # the check sees the corpus
    for name, text in prompt_texts().items():
        used = (set(T.tokenize(text)) | names(text)) & seeds
        assert not used, f"{name} uses words of the seed corpus: {sorted(used)}"


def test_language_rules_name_no_entity_or_topic_of_the_seed_corpus():
    """Word lists and patterns (sentences, kinds of fact, questions) come from the language,
    not from the corpus they were first tried on."""
    seeds = seed_vocabulary()
    for path in sorted(Path(assistant.language.__file__).parent.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        used = (set(T.tokenize(text)) | names(text)) & seeds
        assert not used, f"{path.name} uses words of the seed corpus: {sorted(used)}"
