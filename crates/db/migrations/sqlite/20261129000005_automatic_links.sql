-- A link sent on its own as a window opens goes once per person and
-- timepoint, even when two processes sweep at the same moment.
CREATE UNIQUE INDEX questionnaire_links_automatic ON questionnaire_links (referral_id, timepoint)
    WHERE created_by IS NULL;
