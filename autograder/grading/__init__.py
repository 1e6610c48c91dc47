"""The project's grader: sandboxed submissions, trusted tests (see autograder/grade.py)."""
