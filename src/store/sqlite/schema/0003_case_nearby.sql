-- 0003: an index for the duplicate check at intake.
--
-- Every new case looks for open cases of its category within 30 m and
-- 72 h.  Through case_file_category (category, created_at) that scans all
-- of a category's cases of the last three days, which in a busy city is
-- thousands of rows per report; a band of latitude 60 m wide holds a few.
CREATE INDEX case_file_category_lat ON case_file(category, lat);
