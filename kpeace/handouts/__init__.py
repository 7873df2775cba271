"""Offline, self-contained HTML handouts of the notebook series (student and teacher editions).

See :func:`kpeace.handouts.build.build` and the ``kpeace handouts`` command; the exporter is
also available as ``jupyter nbconvert --to kpeace_handout``.
"""
