"""A class on one nnlab server: a code the teacher hands out, students by nickname, their progress and scores.

No accounts and no personal data: a student is a nickname in a class, known again by a hash of their
browser's cookie (:mod:`nnlab.ui.compat.owner`). Everything lives in the shared SQLite file
(:mod:`nnlab.store.database`), so it survives a restart and every server process sees the same class.

* :mod:`~nnlab.classroom.names`: class codes and nicknames, and what is wrong with a typed one;
* :mod:`~nnlab.classroom.store`: the tables (classes, students, passed steps, scores) and every write;
* :mod:`~nnlab.classroom.board`: the challenges (one table), what a run scores, the ranking, who is stuck;
* :mod:`~nnlab.classroom.teacher_key`: the teacher's key and the growing wait after wrong ones.

Imports no streamlit (the pages are :mod:`nnlab.ui.classroom` and ``pages/8_Teacher.py``).
"""
