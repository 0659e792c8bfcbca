"""Word frequencies come from indexes in the cache folder, equal to wordfreq's."""

from __future__ import annotations

import random
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from wordfreq import get_frequency_dict, zipf_frequency

from geosleuth.text import word_index
from geosleuth.text.wordfreqs import zipf

WORDS = ("Lisboa", "Rua Augusta", "Paris", "Station", "Löwen-Apotheke", "2024", "A1 exit 12",
         "İstanbul", "Москва", "Straße", "zzqxv", "", "Café", "the", "e-mail", "x3y", "12:30")


@pytest.fixture()
def folder(tmp_path: Path) -> Iterator[Path]:
    before = word_index.configured()
    word_index.configure(tmp_path)
    zipf.cache_clear()
    yield tmp_path / "wordfreq"
    word_index.configure(before.parent if before is not None else None)
    zipf.cache_clear()


@pytest.mark.parametrize("lang", ["en", "pt", "de", "tr", "ru", "ar", "hi"])
def test_frequencies_are_wordfreq_s(folder: Path, lang: str) -> None:
    rng = random.Random(lang)
    vocab = sorted(get_frequency_dict(lang, wordlist="small"))
    sample = [*WORDS, *rng.sample(vocab, 200), *(w.upper() for w in rng.sample(vocab, 30)),
              *(f"{a} {b}" for a, b in zip(rng.sample(vocab, 30), rng.sample(vocab, 30),
                                           strict=True))]
    for word in sample:
        assert word_index.zipf_frequency(word.lower(), lang) == \
            zipf_frequency(word.lower(), lang, wordlist="small"), word
    assert word_index.table_path(folder, lang).is_file()


def test_zipf_of_every_sign_language_matches(folder: Path) -> None:
    from geosleuth.text.wordfreqs import ALL_LANGUAGES

    def direct(phrase: str) -> float:
        return max(zipf_frequency(phrase.lower(), lang, wordlist="small")
                   for lang in ALL_LANGUAGES)

    for word in ("lisboa", "station", "honda", "metro", "pitampura"):
        assert zipf(word) == direct(word)
    assert len(list(folder.glob("small-*.sqlite"))) == len(ALL_LANGUAGES)


def test_without_a_folder_wordfreq_answers() -> None:
    before = word_index.configured()
    word_index.configure(None)
    try:
        assert word_index.zipf_frequency("lisboa", "pt") is None
    finally:
        word_index.configure(before.parent if before is not None else None)


def test_a_kept_index_is_read_without_expanding_the_word_list(folder: Path) -> None:
    word_index.zipf_frequency("lisboa", "pt")  # builds pt's index
    code = (
        "import sys, wordfreq\n"
        "from pathlib import Path\n"
        "from geosleuth.text import word_index\n"
        "word_index.configure(Path(sys.argv[1]))\n"
        "print(word_index.zipf_frequency('lisboa', 'pt'),"
        " wordfreq.get_frequency_list.cache_info().currsize)\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(folder.parent)],
                         capture_output=True, text=True, check=True)
    assert out.stdout.split() == [str(zipf_frequency("lisboa", "pt", wordlist="small")), "0"]
