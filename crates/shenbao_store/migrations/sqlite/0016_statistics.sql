-- The statistics page (统计分析) of a call's owner counts the call's submitted applications by
-- status, direction, day of submission and (through organisation_id) the applicant's region.
-- With every column it reads in one index, each of those GROUP BY queries reads the index
-- alone, never the rows with their answers: a province-wide call has 100,000 of them.
-- organisation_id comes second so that the join from organisations finds the call's rows of
-- one organisation, status included, in the index (the load benchmark prints the plans).
CREATE INDEX applications_statistics_idx
    ON applications (call_id, organisation_id, status, direction, submitted_at);
