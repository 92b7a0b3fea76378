// Loads a large history of Past requests with set-based SQL: devices and groups, then one plan row
// per request (generate_series with a fixed random seed), then requests, targets and device
// sessions built from the plan. The searchText trigger fills searchText as the rows go in.
import pg from 'pg';

export interface SeedOptions {
  requestCount: number;
  deviceCount: number;
  /** Called with a short description and the elapsed milliseconds of each step. */
  onStep?: (step: string, elapsedMs: number) => void;
}

export interface SeedSummary {
  requests: number;
  targets: number;
  deviceSessions: number;
  devices: number;
}

const firstNames = [
  'alice',
  'bruno',
  'chloe',
  'david',
  'elena',
  'farid',
  'grace',
  'hiro',
  'ines',
  'jonas',
  'kemal',
  'lena',
  'mateo',
  'nadia',
  'oscar',
  'priya',
  'quentin',
  'rosa',
  'samir',
  'tara',
  'umar',
  'vera',
  'wei',
  'ximena',
  'yusuf',
  'zoe',
  'amelie',
  'bilal',
  'carmen',
  'diego',
  'emma',
  'felix',
  'giulia',
  'hannah',
  'ivan',
  'julia',
  'kenji',
  'lucas',
  'maria',
  'noah',
];
const lastNames = [
  'martin',
  'schmidt',
  'nguyen',
  'garcia',
  'kowalski',
  'rossi',
  'tanaka',
  'okafor',
  'dubois',
  'silva',
  'jensen',
  'novak',
  'ahmed',
  'murphy',
  'fischer',
  'moreau',
  'kim',
  'lopez',
  'weber',
  'singh',
  'costa',
  'larsen',
  'petrov',
  'yilmaz',
  'hughes',
  'bauer',
  'ferreira',
  'olsen',
  'romano',
  'sato',
  'haddad',
  'walsh',
  'keller',
  'lindqvist',
  'mendes',
  'park',
  'varga',
  'brennan',
  'nakamura',
  'obi',
  'rahman',
  'svensson',
  'torres',
  'ueda',
  'vogel',
  'wagner',
  'xu',
  'young',
  'zimmer',
  'abbott',
];
/** Console users (JWT subjects) who approve, deny, revoke and create requests. */
const admins = [
  'kate.hill@corp.example',
  'raj.patel@corp.example',
  'lisa.chen@corp.example',
  'tom.becker@corp.example',
  'ana.souza@corp.example',
  'mike.oneill@corp.example',
  'sara.lind@corp.example',
  'yuki.mori@corp.example',
  'omar.aziz@corp.example',
  'eva.novak@corp.example',
  'paul.grant@corp.example',
  'nina.roth@corp.example',
];
const requestNames = [
  'Install Xcode',
  'Printer driver update',
  'Homebrew packages',
  'VPN client reinstall',
  'Docker Desktop setup',
  'Adobe Creative Cloud update',
  'Approve kernel extension',
  'Change network settings',
  'Python toolchain',
  'Zoom plugin install',
  'Import certificate',
  'Time Machine restore',
  'FileVault recovery key',
  'Microsoft Office repair',
  'Security agent upgrade',
  'Audio interface driver',
  'Keychain repair',
  'Java runtime install',
  'Git credential helper',
  'Node.js install',
  'Install fonts for Figma',
  'Wireshark capture',
  'Virtual machine setup',
  'Bluetooth troubleshooting',
  'macOS minor update',
  'Reset system extensions',
  'Disk Utility first aid',
  'Developer tools install',
  'Terraform CLI',
  'Slack reinstall',
];
const userReasons = [
  'Need to install the build tools for the mobile release',
  'The printer on floor 3 needs a newer driver',
  'Installer asks for an administrator password',
  'VPN client stopped connecting after the last update',
  'Setting up containers for the local test environment',
  'Creative Cloud update fails without admin rights',
  'Audio interface for the podcast studio needs a system extension',
  'Customer demo tomorrow, need the latest client installed',
  'IT support asked me to reinstall the security agent',
  'Certificate for the staging environment must go into the System keychain',
  'Restoring files from a Time Machine backup',
  'Wireshark needs access to the capture interfaces',
  'Onboarding: installing the developer toolchain',
  'Font installation for the brand refresh project',
  'Network proxy settings need to change for the lab',
];
const approvalNotes = [
  'Approved, keep it to the task described',
  'Approved for the ticket',
  'Approved after a call with the user',
  'OK for one session',
];
const denialReasons = [
  'Denied: use Self Service for this software',
  'Denied: change freeze this week',
  'Denied: the request lacks a ticket',
  'Denied: software is not on the approved list',
  'Denied: ask your manager to sponsor the request',
];
const revokeReasons = [
  'Revoked: task finished early',
  'Revoked: security review of the device',
  'Revoked: user left for the day',
  'Revoked: wrong account elevated',
];
const adminNotes = [
  'Maintenance window for the design team',
  'Support session with the user on the phone',
  'Scheduled patching of developer machines',
  'Lab setup for the training week',
];
const durationsSeconds = [900, 1800, 3600, 7200, 14400, 28800];
const deviceModels = ['MBP', 'MBA', 'IMAC', 'MINI', 'STUDIO'];
const departments = ['ENG', 'FIN', 'HR', 'OPS', 'SALES', 'MKT', 'LEGAL', 'IT', 'DES', 'SUP'];
const departmentGroups = [
  'Engineering Macs',
  'Finance Macs',
  'HR Macs',
  'Operations Macs',
  'Sales Macs',
  'Marketing Macs',
  'Legal Macs',
  'IT Macs',
  'Design Macs',
  'Support Macs',
];

/** SQL for the name of device number `n` (0-based): model, department and a 4-digit number. */
function deviceNameSql(n: string): string {
  return `(($1::text[])[(${n}) % 5 + 1] || '-' || ($2::text[])[((${n}) / 5) % 10 + 1] || '-' || lpad(((${n}) + 1)::text, 4, '0'))`;
}

function deviceIdSql(n: string): string {
  return `('dev_' || md5('bench-device-' || (${n})))`;
}

/**
 * Fills an empty, migrated database. Secondary indexes of the three large tables are dropped for
 * the load and re-created from their own definitions afterwards. Building an index once is several
 * times faster than maintaining it row by row, and the result is the same set of indexes.
 */
export async function seedPastRequests(url: string, options: SeedOptions): Promise<SeedSummary> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const step = async (description: string, sql: string, values: unknown[] = []) => {
    const started = performance.now();
    const result = await client.query(sql, values);
    options.onStep?.(description, performance.now() - started);
    return result;
  };

  try {
    await client.query(`SET synchronous_commit = off`);
    await client.query(`SET maintenance_work_mem = '512MB'`);
    await client.query(`SELECT setseed(0.4242)`);

    const indexes = await client.query<{ indexname: string; indexdef: string }>(
      `SELECT indexname, indexdef FROM pg_indexes
        WHERE schemaname = 'public'
          AND tablename IN ('JitRequest', 'JitRequestTarget', 'DeviceSession', 'PastRequestDevice')
          AND indexname NOT LIKE '%_pkey'`,
    );
    for (const index of indexes.rows) await client.query(`DROP INDEX "${index.indexname}"`);

    await seedDevices(step, options.deviceCount);
    await step('plan requests', planSql(), [
      options.requestCount,
      options.deviceCount,
      requestNames.length,
      userReasons.length,
      durationsSeconds,
    ]);
    await step('insert requests (searchText trigger on)', insertRequestsSql(), [
      deviceModels,
      departments,
      firstNames,
      lastNames,
      admins,
      requestNames,
      userReasons,
      approvalNotes,
      denialReasons,
      revokeReasons,
      adminNotes,
    ]);
    // Targets and sessions reference rows inserted just above, so their foreign keys hold by
    // construction, and the replica role skips the per-row foreign-key checks.
    await client.query(`SET session_replication_role = replica`);
    await step('insert targets', insertTargetsSql());
    await step('insert device sessions', insertSessionsSql());
    await step('insert past request devices', insertPastDevicesSql());
    await client.query(`SET session_replication_role = origin`);

    for (const index of indexes.rows) {
      await step(`create index ${index.indexname}`, index.indexdef);
    }
    await client.query('DROP TABLE bench_plan');
    await step('vacuum analyze', 'VACUUM ANALYZE');

    const counts = await client.query<SeedSummary>(
      `SELECT (SELECT count(*) FROM "JitRequest")::int AS requests,
              (SELECT count(*) FROM "JitRequestTarget")::int AS targets,
              (SELECT count(*) FROM "DeviceSession")::int AS "deviceSessions",
              (SELECT count(*) FROM "Device")::int AS devices`,
    );
    return counts.rows[0]!;
  } finally {
    await client.end();
  }
}

type Step = (description: string, sql: string, values?: unknown[]) => Promise<unknown>;

async function seedDevices(step: Step, deviceCount: number): Promise<void> {
  await step(
    'insert devices',
    `INSERT INTO "Device" (id, name, "serialNumber", platform, "tokenHash", online, "lastSeenAt", "createdAt")
     SELECT ${deviceIdSql('n')}, ${deviceNameSql('n')},
            'C02' || upper(substr(md5('bench-serial-' || n), 1, 9)), 'macos',
            encode(sha256(('bench-device-token-' || n)::bytea), 'hex'),
            false, now() - random() * interval '30 days', now() - interval '3 years'
       FROM generate_series(0, $3::int - 1) AS n`,
    [deviceModels, departments, deviceCount],
  );
  await step(
    'insert device groups',
    `INSERT INTO "DeviceGroup" (id, name, "createdAt")
     SELECT 'grp_' || md5('bench-group-' || g), ($1::text[])[g + 1], now() - interval '3 years'
       FROM generate_series(0, array_length($1::text[], 1) - 1) AS g`,
    [departmentGroups],
  );
  await step(
    'insert group members',
    `INSERT INTO "DeviceGroupMember" ("deviceId", "groupId")
     SELECT ${deviceIdSql('n')}, 'grp_' || md5('bench-group-' || ((n / 5) % 10))
       FROM generate_series(0, $1::int - 1) AS n`,
    [deviceCount],
  );
}

/**
 * One row per request with every random choice made once, so the request, its targets and its
 * device sessions agree. Device 1 is the requester's own Mac. Devices 2 and 3 lie at distinct
 * offsets from it, so the 1 to 3 devices of a request never repeat.
 */
function planSql(): string {
  return `
    CREATE TEMP TABLE bench_plan AS
    SELECT i, user_no, status, requester, duration_type, duration_seconds, extension_seconds,
           requested_at, device_count, d1, d2, d3, name_no, reason_no, has_ticket, has_note,
           admin_no, approver_no, decision_delay, schedule_delay, revoke_fraction,
           internet_access_required
      FROM (
        SELECT i,
               user_no,
               CASE WHEN r_status < 0.60 THEN 'COMPLETED' WHEN r_status < 0.70 THEN 'DENIED'
                    WHEN r_status < 0.78 THEN 'REVOKED' WHEN r_status < 0.80 THEN 'PRE_REVOKED'
                    WHEN r_status < 0.95 THEN 'EXPIRED' ELSE 'FAILED' END AS status,
               -- Admin-created requests skip PENDING, so only device users' requests are denied.
               CASE WHEN r_requester < 0.7 OR r_status >= 0.60 AND r_status < 0.70 THEN 'USER'
                    ELSE 'ADMIN' END AS requester,
               CASE WHEN r_status >= 0.78 AND r_status < 0.80 OR r_type < 0.15 THEN 'SCHEDULED'
                    ELSE 'FIXED' END AS duration_type,
               ($5::int[])[1 + floor(r_duration * array_length($5::int[], 1))::int] AS duration_seconds,
               CASE WHEN r_extension < 0.1 THEN 1800 ELSE 0 END AS extension_seconds,
               now() - interval '1 hour' - r_age * interval '1095 days' AS requested_at,
               1 + floor(r_count * 3)::int AS device_count,
               (user_no * 2) % $2::int AS d1,
               (user_no * 2 + 1 + floor(r_d2 * ($2::int / 2 - 1))::int) % $2::int AS d2,
               (user_no * 2 + $2::int / 2 + floor(r_d3 * ($2::int / 2 - 1))::int) % $2::int AS d3,
               1 + floor(r_name * $3::int)::int AS name_no,
               1 + floor(r_reason * $4::int)::int AS reason_no,
               r_ticket < 0.4 AS has_ticket,
               r_note < 0.5 AS has_note,
               floor(r_admin * 12)::int + 1 AS admin_no,
               floor(r_approver * 12)::int + 1 AS approver_no,
               (60 + r_decision * 7140) * interval '1 second' AS decision_delay,
               (3600 + r_schedule * 255600) * interval '1 second' AS schedule_delay,
               r_revoke AS revoke_fraction,
               r_internet < 0.3 AS internet_access_required
          FROM (
            SELECT i, floor(random() * 2000)::int AS user_no, random() AS r_status,
                   random() AS r_requester, random() AS r_type, random() AS r_duration,
                   random() AS r_extension, random() AS r_age, random() AS r_count,
                   random() AS r_d2, random() AS r_d3, random() AS r_name, random() AS r_reason,
                   random() AS r_ticket, random() AS r_note, random() AS r_admin,
                   random() AS r_approver, random() AS r_decision, random() AS r_schedule,
                   random() AS r_revoke, random() AS r_internet
              FROM generate_series(1, $1::int) AS i
          ) AS draws
      ) AS plan`;
}

/**
 * Requests from the plan, with timestamps that follow the lifecycle: decision, start (at approval
 * for Fixed, at the scheduled time for Scheduled), planned expiry and end.
 */
function insertRequestsSql(): string {
  const deviceName = (column: string) => deviceNameSql(column);
  return `
    INSERT INTO "JitRequest" (
      id, name, "userAccountName", "durationType", "durationSeconds", "extensionSeconds",
      "scheduledStartAt", "internetAccessRequired", status, "requesterKind", "requestedBy",
      "requestedAt", "approvedBy", "approvedAt", "startedAt", "endedAt", "expiresAt",
      "reasonByUser", "reasonByAdmin", "revokedBy", "raisedFromDeviceId", "targetNames", "updatedAt")
    SELECT id, name, account, duration_type::"DurationType", duration_seconds, extension_seconds,
           scheduled_start_at, internet_access_required, status::"JitStatus",
           requester::"RequesterKind", requested_by, requested_at, approved_by, approved_at,
           started_at,
           CASE status
             WHEN 'DENIED' THEN decided_at
             WHEN 'PRE_REVOKED' THEN approved_at + revoke_fraction * (scheduled_start_at - approved_at)
             WHEN 'REVOKED' THEN started_at + revoke_fraction * duration_seconds * interval '1 second'
             ELSE expires_at
           END,
           expires_at, reason_by_user, reason_by_admin, revoked_by, raised_from, target_names,
           requested_at + interval '3 days'
      FROM (
        SELECT p.*, 'req_' || md5('bench-request-' || i) AS id,
               ($6::text[])[name_no] AS name,
               CASE WHEN requester = 'USER' THEN account ELSE ($5::text[])[admin_no] END AS requested_by,
               CASE WHEN status <> 'DENIED' THEN decided_at END AS approved_at,
               CASE WHEN status IN ('COMPLETED', 'REVOKED', 'EXPIRED', 'FAILED')
                    THEN coalesce(scheduled_start_at, decided_at) END AS started_at,
               CASE WHEN status IN ('COMPLETED', 'REVOKED', 'EXPIRED', 'FAILED')
                    THEN coalesce(scheduled_start_at, decided_at)
                         + (duration_seconds + extension_seconds) * interval '1 second' END AS expires_at,
               CASE WHEN requester = 'USER'
                    THEN ($7::text[])[reason_no]
                         || CASE WHEN has_ticket THEN ' (ticket INC-' || lpad(i::text, 7, '0') || ')' ELSE '' END
               END AS reason_by_user,
               CASE
                 WHEN status = 'DENIED' THEN ($9::text[])[1 + approver_no % 5]
                 WHEN status IN ('REVOKED', 'PRE_REVOKED') THEN ($10::text[])[1 + approver_no % 4]
                 WHEN requester = 'ADMIN' THEN ($11::text[])[1 + approver_no % 4]
                      || CASE WHEN has_ticket THEN ' (change CHG-' || lpad(i::text, 7, '0') || ')' ELSE '' END
                 WHEN has_note THEN ($8::text[])[1 + approver_no % 4]
               END AS reason_by_admin,
               CASE WHEN status IN ('REVOKED', 'PRE_REVOKED') THEN ($5::text[])[approver_no] END AS revoked_by,
               CASE WHEN requester = 'USER' THEN ${deviceIdSql('d1')} END AS raised_from,
               concat_ws(' ', ${deviceName('d1')},
                         CASE WHEN device_count >= 2 THEN ${deviceName('d2')} END,
                         CASE WHEN device_count >= 3 THEN ${deviceName('d3')} END) AS target_names
          FROM (
            SELECT p.*,
                   ($3::text[])[user_no % 40 + 1] || '.' || ($4::text[])[user_no / 40 % 50 + 1] AS account,
                   CASE WHEN status <> 'DENIED' THEN
                     CASE WHEN requester = 'ADMIN' THEN ($5::text[])[admin_no] ELSE ($5::text[])[approver_no] END
                   END AS approved_by,
                   CASE WHEN requester = 'ADMIN' THEN requested_at ELSE requested_at + decision_delay END AS decided_at,
                   CASE WHEN duration_type = 'SCHEDULED'
                        THEN CASE WHEN requester = 'ADMIN' THEN requested_at ELSE requested_at + decision_delay END
                             + schedule_delay END AS scheduled_start_at
              FROM bench_plan AS p
          ) AS p
      ) AS r`;
}

function insertTargetsSql(): string {
  return `
    INSERT INTO "JitRequestTarget" (id, "requestId", "deviceId")
    SELECT 'tgt_' || md5('bench-target-' || p.i || '-' || d.k), 'req_' || md5('bench-request-' || p.i),
           ${deviceIdSql('d.n')}
      FROM bench_plan AS p
     CROSS JOIN LATERAL unnest((ARRAY[p.d1, p.d2, p.d3])[1:p.device_count]) WITH ORDINALITY AS d(n, k)`;
}

/**
 * Records the devices of requests that ended without starting (DENIED and PRE_REVOKED): their
 * targets, all of which name devices here.
 */
function insertPastDevicesSql(): string {
  return `
    INSERT INTO "PastRequestDevice" ("requestId", "deviceId")
    SELECT DISTINCT 'req_' || md5('bench-request-' || p.i), ${deviceIdSql('d.n')}
      FROM bench_plan AS p
     CROSS JOIN LATERAL unnest((ARRAY[p.d1, p.d2, p.d3])[1:p.device_count]) AS d(n)
     WHERE p.status IN ('DENIED', 'PRE_REVOKED')`;
}

/**
 * Device sessions for the requests that started. Devices of COMPLETED and REVOKED requests
 * applied and later removed the elevation. Devices of EXPIRED requests never applied it, and
 * those of FAILED requests reported a missing account.
 */
function insertSessionsSql(): string {
  return `
    INSERT INTO "DeviceSession" (id, "requestId", "deviceId", state, "appliedAt", "removedAt", "failureReason", "updatedAt")
    SELECT 'ses_' || md5('bench-session-' || r.i || '-' || d.k), r.id, ${deviceIdSql('d.n')},
           (CASE r.status WHEN 'EXPIRED' THEN 'WAITING' WHEN 'FAILED' THEN 'FAILED' ELSE 'REMOVED' END)::"DeviceSessionState",
           CASE WHEN r.status IN ('COMPLETED', 'REVOKED') THEN r."startedAt" + d.k * interval '4 seconds' END,
           CASE WHEN r.status IN ('COMPLETED', 'REVOKED') THEN r."endedAt" + d.k * interval '3 seconds' END,
           CASE WHEN r.status = 'FAILED' THEN 'User account ''' || r."userAccountName" || ''' does not exist on this device' END,
           r."endedAt"
      FROM (
        SELECT p.i, p.d1, p.d2, p.d3, p.device_count, q.id, q.status::text AS status,
               q."startedAt", q."endedAt", q."userAccountName"
          FROM bench_plan AS p
          JOIN "JitRequest" AS q ON q.id = 'req_' || md5('bench-request-' || p.i)
         WHERE p.status IN ('COMPLETED', 'REVOKED', 'EXPIRED', 'FAILED')
      ) AS r
     CROSS JOIN LATERAL unnest((ARRAY[r.d1, r.d2, r.d3])[1:r.device_count]) WITH ORDINALITY AS d(n, k)`;
}
