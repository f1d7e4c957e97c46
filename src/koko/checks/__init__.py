"""Stage 4, checks: is the graph what it claims to be.

SHACL validation of the release and of users' own data (:mod:`.validate`), its reports for people
and machines (:mod:`.report`), and OWL 2 RL reasoning (:mod:`.infer`, with the rules of :mod:`.rules`).
"""
