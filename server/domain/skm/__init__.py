"""The *Survei Kepuasan Masyarakat* (SKM) and its index (IKM), as PermenPANRB No. 14
Tahun 2017 defines them (docs/skm.md).

``questionnaire``: the nine elements in the Lampiran's order, the profile, the unit's
wording and extra questions; ``index``: the IKM, the grades and the minimum sample, pure
arithmetic; ``responses``: who may answer for which ticket, and storing the answers;
``figures``: the aggregates staff see (never one visitor's answers).
"""
