"""A learner's ILR: the read-only User and Admin tabs, Create ILR, Edit ILR and ILR QA, and
Manage ILRs (the XML export and import). ``programmes/ilr/urls.py`` imports the modules:

* ``pages``: the User and Admin tabs, Create ILR and the episode status;
* ``edit``: Edit ILR (User and Admin tabs) and an employment status's monitoring;
* ``aims``: add, edit and remove an aim;
* ``qa``: QA verify and un-verify;
* ``manage``: Manage ILRs, the XML export (one learner or a batch job) and the import;
* ``common`` and ``findings``: what those share (permissions, URLs, rule findings on forms).

Who may do what (enforced here; templates only hide what the viewer may not do):

* View: any administrator who can see the learner (``get_learner_for``). Ethnicity and the
  disability and health answers are special-category data: shown only to holders of
  ``users.view_sensitive_data`` (masked for others), and each showing is written to the
  learner's audit trail as an access entry.
* Create and edit: ``programmes.manage_ilrs``. A QA-verified ILR is locked for everyone
  without ``programmes.qa_verify_ilr``: its forms show disabled fields and a post is refused.
  Without ``users.view_sensitive_data`` the Edit User tab leaves out ethnicity and the
  disability answers (a save keeps them); opening it with the role is logged like viewing.
* QA verify, un-verify (with a reason): ``programmes.qa_verify_ilr``.

Every save builds the learner's ILR as it would be after the save and runs the DfE rules
(``rules.check_learner``): errors on this form's fields, and errors the change would introduce
anywhere, block the save and are shown beside their fields; warnings are shown after the save.
"""
