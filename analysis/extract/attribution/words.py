"""Word lists the attribution rules share (lower-case; not user data: the cue lexicon is
``analysis/data/reporting_verbs.yaml``, see :mod:`.lexicon`)."""
from __future__ import annotations

from ..records import THIRD_PERSON_GENRES as _THIRD_PERSON_GENRES

__all__ = [
    "PRONOUNS",
    "DETERMINERS",
    "HONORIFICS",
    "NAME_PARTICLES",
    "NOT_NAMES",
    "NP_STOP",
    "SPOKESPERSONS",
    "WH_WORDS",
    "PP_START",
    "PREPOSITIONS",
    "AUXILIARIES",
    "THIRD_PERSON_GENRES",
    "MAX_WINDOW",
    "SENTENCE_PUNCT",
    "POSSESSIVE",
    "DASHES",
    "LABEL_WORDS",
    "TIME_WORDS",
    "TIME_OPENERS",
    "NAME_HEADS",
]

#: Pronouns that can name a speaker, with the gender (or number) they need.
PRONOUNS = {"he": "male", "she": "female", "they": "plural", "it": "neuter", "i": "self", "we": "self"}
#: Words that open a noun phrase ("the Minister", "a spokesman").
DETERMINERS = frozenset(
    "the a an this that these those its his her their our my your one another some many several "
    "both each two three four five other such any no".split()
)
#: Titles before a name, with the gender they imply ("" = either).
HONORIFICS = {
    "mr.": "male", "mr": "male", "mrs.": "female", "mrs": "female", "ms.": "female", "ms": "female",
    "miss": "female", "dr.": "", "dr": "", "prof.": "", "professor": "", "sir": "male", "madam": "female",
    "president": "", "minister": "", "senator": "", "sen.": "", "rep.": "", "gen.": "", "general": "",
    "ambassador": "", "secretary": "", "chancellor": "", "premier": "", "prime": "", "governor": "", "gov.": "",
    "mayor": "", "judge": "", "justice": "", "lt.": "", "col.": "", "capt.": "", "adm.": "", "lord": "male",
    "lady": "female", "king": "male", "queen": "female", "prince": "male", "st.": "",
}
#: Lower-case words inside names ("Ursula von der Leyen").
NAME_PARTICLES = frozenset(
    {"de", "von", "van", "der", "den", "al", "al-", "bin", "ibn", "da", "di", "la", "le", "du", "-"}
)
#: Capitalised words that do not start or make a name.
NOT_NAMES = frozenset(
    "the a an this that these those it he she they we i you his her their our my on in at for to of and but or so "
    "monday tuesday wednesday thursday friday saturday sunday january february march april may june july august "
    "september october november december earlier later meanwhile however also then today yesterday tomorrow "
    "there here when while after before as if although though since until because what who which where how why "
    "mr. mrs. ms. dr. no yes by with from into about will would can could should shall do does did is are was "
    "were has have had be been let please thank most many some all both several each every others other such "
    "one".split()
)
#: Words that end a speaker noun phrase.
NP_STOP = frozenset(
    "on in at during after before when while who whom whose which that and but as to with by from about since "
    "today yesterday tonight this last earlier later told said says added was is were are has had have will "
    "would".split()
)
#: Heads of "X's spokesperson": the words are X's (an according_to).
SPOKESPERSONS = frozenset({"spokesperson", "spokesman", "spokeswoman", "spokespeople", "representative",
                           "representatives",
                     "service", "office", "secretary", "spokespersons", "officials", "official"})
#: Words that open a reported question or clause ("asked whether").
WH_WORDS = frozenset({"how", "what", "why", "whether", "where", "when", "who", "which", "if"})
#: Words that open a time or place phrase after a speech verb ("said on Monday").
PP_START = frozenset({"on", "in", "at", "during", "after", "last", "earlier", "later", "this", "late", "early"})
#: Prepositions (never the start of a reported clause).
PREPOSITIONS = frozenset({"to", "by", "about", "of", "for", "in", "on", "at", "with", "as", "from", "into", "over",
                           "against", "during", "after", "before", "under", "between", "through", "up", "out"})
#: Finite auxiliaries: one soon after a speech verb means a bare clause follows.
AUXILIARIES = frozenset({"is", "are", "was", "were", "will", "would", "has", "have", "had", "can", "could", "should",
                         "may",
                  "might", "must", "did", "does", "do", "'s", "'re", "’s", "’re", "wo", "ca", "shall", "'ll", "’ll"})
#: Genres written by a reporter: their narration is not the metadata speaker's voice.
THIRD_PERSON_GENRES = _THIRD_PERSON_GENRES
#: Tokens: the longest stretch a rule looks at (longer sentences are cut into windows).
MAX_WINDOW = 400  # tokens: the longest stretch a rule looks at
#: Punctuation that ends a clause.
SENTENCE_PUNCT = frozenset({".", "!", "?", "…", ";"})
#: Possessive endings ("Russia's", "Lavrov’s").
POSSESSIVE = frozenset({"'s", "’s", "'", "’", "s'"})
#: Dashes (an epigraph credit: '"..." - Matthew Ingram').
DASHES = frozenset({"—", "–", "-", "--"})
#: Words that make a "Word:" line a heading or field, not a speaker label.
LABEL_WORDS = frozenset(
    "source sources note update photo photos video read tags tag q a question answer editor comments related "
    "subject date title summary keywords image credit via posted see also by from to cc re caption "
    "background context correction disclaimer warning".split()
)
#: Words that end a time phrase between a speaker and a verb ("Obama on Tuesday said", "X this week said").
TIME_WORDS = frozenset(
    "monday tuesday wednesday thursday friday saturday sunday week month year weekend morning afternoon evening "
    "night today yesterday tonight".split()
)
#: Words that open such a time phrase.
TIME_OPENERS = frozenset("on this last earlier later late early next that in the".split())
#: Capitalised words that make a place name part of another name: "The Washington Post", "the Moscow
#: Times", "Kyiv Independent", "Washington Examiner" are newspapers, not the United States, Russia or Ukraine.
NAME_HEADS = frozenset(
    "post times examiner journal herald tribune globe news free beacon monthly review magazine daily star sun "
    "chronicle gazette observer independent telegraph guardian record standard press insider institute "
    "university college redskins nationals wizards capitals mystics monument state".split()
)
