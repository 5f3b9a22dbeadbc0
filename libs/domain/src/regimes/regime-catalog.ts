import type { Caveat, ContentField, RegimeCatalog, RegimeEntry } from './regime-types.js';

/**
 * The regime catalog: every fact below is taken from shared/reference/regulations.md (its section is
 * named in each entry's comment) and keeps that file's markers. `basis: 'S'` = secondary summaries
 * only; `unconfirmed: true` = the reference marks it UNCONFIRMED, and every obligation derived from it
 * repeats the note. Change the `version` when any fact here changes.
 */

function field(id: string, label: string, extra: Partial<Omit<ContentField, 'id' | 'label'>> = {}): ContentField {
  return { id, label, ...extra };
}

function unconfirmed(note: string): Caveat {
  return { note, unconfirmed: true };
}

function secondary(note: string): Caveat {
  return { note, secondary: true };
}

/** Shared by EU and UK GDPR (same wording of Art. 33/34). */
const GDPR_SA_CONTENT: readonly ContentField[] = [
  field('nature', 'Nature of the personal data breach'),
  field('data_subject_categories', 'Categories of data subjects concerned'),
  field('approx_data_subjects', 'Approximate number of data subjects concerned'),
  field('record_categories', 'Categories of personal data records concerned'),
  field('approx_records', 'Approximate number of personal data records concerned'),
  field('dpo_contact', 'Name and contact details of the DPO or other contact point'),
  field('likely_consequences', 'Likely consequences of the breach'),
  field('measures_taken_or_proposed', 'Measures taken or proposed, including mitigation'),
];
const GDPR_INDIVIDUAL_CONTENT: readonly ContentField[] = [
  field('nature_plain_language', 'Nature of the breach in clear and plain language'),
  field('dpo_contact', 'Name and contact details of the DPO or other contact point'),
  field('likely_consequences', 'Likely consequences of the breach'),
  field('measures_taken_or_proposed', 'Measures taken or proposed, including mitigation'),
];
const REASONS_FOR_DELAY = [field('reasons_for_delay', 'Reasons for the delay (notification after 72 hours)')];
const GDPR_EXEMPTIONS = [
  'unintelligible_data: the data are unintelligible to anyone not authorised (e.g. encryption)',
  'risk_no_longer_likely: later measures make the high risk no longer likely',
  'disproportionate_effort: replaced by a public communication or equally effective measure',
] as const;
const GDPR_PUBLIC_COMMUNICATION = {
  when: 'Informing each data subject would involve disproportionate effort (Art. 34(3)(c))',
  methods: ['public_communication_or_equally_effective_measure'],
  minimumDuration: null,
  basis: 'P',
  note: 'The GDPR sets no minimum duration for the public communication.',
} as const;
const MONTH_ROLL_UNCONFIRMED = unconfirmed(
  'Whether EU Reg. 1182/71 Art. 3(4) moves a one-month period that ends on a Saturday, Sunday or holiday to the next working day is UNCONFIRMED for these periods; the due date is not rolled.',
);

const EU_GDPR: RegimeEntry = {
  // §1
  id: 'EU_GDPR',
  name: 'EU General Data Protection Regulation',
  citation: 'Reg. (EU) 2016/679 Art. 33, 34, 33(5); EDPB Guidelines 9/2022 v2.0 ¶¶51-61, Annex A',
  sources: ['gdprhub.eu/Article_33_GDPR', 'overview.legal/laws/gdpr/art-34', 'EDPB Guidelines 9/2022 v2.0 (28 Mar 2023)', 'pinsentmasons.com', 'addleshawgoddard.com'],
  scope: 'Any affected data subject is in an EU/EEA country.',
  clockConvention: 'Hours run continuously, weekends included.',
  notifications: [
    {
      id: 'gdpr_sa',
      party: 'authority',
      recipient:
        'Competent supervisory authority (Art. 55); the lead SA for cross-border processing. A non-EEA controller under Art. 3(2) notifies every SA where affected data subjects live (EDPB).',
      condition: "A personal data breach, unless it is unlikely to result in a risk (risk level other than 'unlikely'); the controller notifies.",
      citation: 'GDPR Art. 33(1), 33(3), 33(4)',
      basis: 'P',
      content: GDPR_SA_CONTENT,
      phases: [
        {
          id: 'initial',
          kind: 'initial',
          deadline: { duration: 'PT72H', from: 'awareness', qualifier: 'without_undue_delay' },
          lateRequires: REASONS_FOR_DELAY,
          caveats: [
            { note: '"Where feasible, not later than 72 hours": a later notification must give the reasons for the delay.' },
            secondary('Aware = reasonable certainty that a security incident compromised personal data; a short investigation may come first (EDPB 9/2022).'),
          ],
        },
        {
          id: 'follow_up',
          kind: 'supplement',
          deadline: { qualifier: 'without_undue_delay', from: 'submission_of:initial' },
          repeatable: true,
          caveats: [
            { note: 'Art. 33(4): information may be given in phases without undue further delay; follow-ups have no fixed deadline. The controller may later report that no breach occurred.' },
          ],
        },
      ],
    },
    {
      id: 'gdpr_individuals',
      party: 'individuals',
      recipient: 'Affected data subjects',
      condition: "The breach is likely to result in a high risk (risk level 'high'), unless an exemption applies; the controller notifies.",
      citation: 'GDPR Art. 34',
      basis: 'P',
      content: GDPR_INDIVIDUAL_CONTENT,
      exemptions: GDPR_EXEMPTIONS,
      substitute: [GDPR_PUBLIC_COMMUNICATION],
      phases: [{ id: 'initial', kind: 'initial', deadline: { qualifier: 'without_undue_delay', from: 'awareness' } }],
      caveats: [{ note: 'The SA may order the notice or confirm an exemption (Art. 34(4)).' }],
    },
    {
      id: 'gdpr_controller',
      party: 'controller',
      recipient: 'The controller on whose behalf the data are processed',
      condition: 'The organisation acts as a processor for the affected data.',
      citation: 'GDPR Art. 33(2)',
      basis: 'P',
      phases: [{ id: 'initial', kind: 'initial', deadline: { qualifier: 'without_undue_delay', from: 'awareness' } }],
      caveats: [{ note: 'No hour limit for the processor.' }],
    },
  ],
  records: [
    {
      description: 'Document every personal data breach: facts, effects and remedial action, so the SA can verify compliance.',
      citation: 'GDPR Art. 33(5)',
      retention: null,
      unconfirmed: true,
      note: 'The retention period of the breach register is UNCONFIRMED (none found in the law).',
    },
  ],
  caveats: [
    unconfirmed('Whether EU Reg. 1182/71 day-roll rules apply to GDPR periods is UNCONFIRMED; the 72 h limit is in hours and is not rolled.'),
    secondary('Pending: EDPB draft common notification template (adopted 10 Jun 2026; consultation to 5 Aug 2026). Not applied.'),
    secondary('Pending: Digital Omnibus proposal (not law): SA notice only for high-risk breaches, 96 h, via an ENISA single entry point. Not applied.'),
  ],
  notes: ['Similar breaches may be bundled in one notification (EDPB).'],
};

const UK_GDPR: RegimeEntry = {
  // §2
  id: 'UK_GDPR',
  name: 'UK GDPR and PECR (ICO)',
  citation: 'UK GDPR Art. 33, 34, 33(5); PECR; ICO guidance',
  sources: [
    'ico.org.uk/global/privacy-notice/report-a-breach-all-controllers/',
    'ico.org.uk audit toolkit …/personal-data-breach-management/reporting-processes',
    'ico.org.uk …/data-security-breach-pecr/',
  ],
  scope: 'Any affected data subject is in the United Kingdom (GB).',
  clockConvention: 'Hours run continuously, weekends included (UK commentators say the same for the 72 h [S]).',
  notifications: [
    {
      id: 'uk_ico',
      party: 'authority',
      recipient: "Information Commissioner's Office (online 'Report a breach' form)",
      condition: "A personal data breach, unless it is unlikely to result in a risk (risk level other than 'unlikely'); the controller notifies.",
      citation: 'UK GDPR Art. 33',
      basis: 'P',
      content: [
        field('nature', 'Nature of the breach'),
        field('approx_data_subjects', 'Number of people affected'),
        field('approx_records', 'Number of records affected'),
        field('dpo_contact', 'Contact point (DPO)'),
        field('likely_consequences', 'Likely consequences'),
        field('measures_taken_or_proposed', 'Remedial measures'),
        field('reporter_name', 'Reporter name (ICO form)'),
        field('reporter_email', 'Reporter email (ICO form)'),
        field('reporter_phone', 'Reporter phone (ICO form)'),
        field('contact_person', 'Contact person (ICO form)'),
      ],
      phases: [
        {
          id: 'initial',
          kind: 'initial',
          deadline: { duration: 'PT72H', from: 'awareness', qualifier: 'without_undue_delay' },
          lateRequires: REASONS_FOR_DELAY,
          caveats: [secondary('That the 72 h run continuously over weekends rests on UK commentators.')],
        },
        { id: 'follow_up', kind: 'supplement', deadline: { qualifier: 'without_undue_delay', from: 'submission_of:initial' }, repeatable: true },
      ],
    },
    {
      id: 'uk_individuals',
      party: 'individuals',
      recipient: 'Affected data subjects',
      condition: "The breach is likely to result in a high risk (risk level 'high'), unless an exemption applies.",
      citation: 'UK GDPR Art. 34',
      basis: 'P',
      content: GDPR_INDIVIDUAL_CONTENT,
      exemptions: GDPR_EXEMPTIONS,
      substitute: [GDPR_PUBLIC_COMMUNICATION],
      phases: [{ id: 'initial', kind: 'initial', deadline: { qualifier: 'without_undue_delay', from: 'awareness' } }],
    },
    {
      id: 'uk_controller',
      party: 'controller',
      recipient: 'The controller on whose behalf the data are processed',
      condition: 'The organisation acts as a processor for the affected data.',
      citation: 'UK GDPR Art. 33(2)',
      basis: 'P',
      phases: [{ id: 'initial', kind: 'initial', deadline: { qualifier: 'without_undue_delay', from: 'awareness' } }],
    },
    {
      id: 'pecr_ico',
      party: 'authority',
      recipient: 'ICO (PECR breach notification)',
      condition: 'The organisation is a provider of public electronic communications services (telecomProvider).',
      citation: 'PECR; ico.org.uk …/data-security-breach-pecr/',
      basis: 'P',
      phases: [
        {
          id: 'initial',
          kind: 'initial',
          deadline: { duration: 'PT24H', from: 'awareness' },
          caveats: [{ note: 'PECR counts 24 h from detection; detection is read as the moment of awareness.' }],
        },
        {
          id: 'second',
          kind: 'supplement',
          deadline: { days: 3, dayType: 'calendar', from: 'submission_of:initial' },
          caveats: [
            { note: 'Only when details were missing from the first notification; a follow-up comes after it.' },
            unconfirmed('The reference says "second notification ≤3 days" without its starting point or day type; counted here as 3 calendar days after the first notification (UNCONFIRMED).'),
          ],
        },
      ],
    },
    {
      id: 'pecr_breach_log',
      party: 'authority',
      recipient: "ICO (PECR monthly breach log or 'nil return')",
      condition: 'The organisation is a provider of public electronic communications services (telecomProvider).',
      citation: 'PECR; ico.org.uk …/data-security-breach-pecr/',
      basis: 'P',
      phases: [
        {
          id: 'monthly_log',
          kind: 'periodic',
          deadline: { qualifier: 'monthly', from: 'awareness' },
          caveats: [unconfirmed('The day of the month by which the PECR breach log is due is not in the reference (UNCONFIRMED); no due time is set.')],
        },
      ],
    },
  ],
  records: [
    { description: 'Document every breach (UK GDPR Art. 33(5)).', citation: 'UK GDPR Art. 33(5)', retention: null, unconfirmed: true, note: 'Retention period UNCONFIRMED.' },
    { description: 'Record decisions not to report, reasons for delay and advice received; keep evidence of communications.', citation: 'ICO audit toolkit', retention: null },
  ],
};

const CN_PIPL: RegimeEntry = {
  // §3
  id: 'CN_PIPL',
  name: 'PRC Personal Information Protection Law (with DSL Art. 29)',
  citation: 'PIPL Art. 57, Art. 51; DSL Art. 29',
  sources: ['plnmw.com (PIPL translation)', 'personalinformationprotectionlaw.com/PIPL/article-51/', 'chinadataregulation.com/laws/dsl/articles/article-29/', 'bifrostindex.ai'],
  scope: 'Any affected person is in mainland China (CN).',
  clockConvention: '"Immediately": no hour or day figure is given.',
  notifications: [
    {
      id: 'pipl_departments',
      party: 'authority',
      recipient: 'Departments performing personal-information protection duties (no single regulator named; CAC coordinates)',
      condition: 'Leakage, tampering or loss of personal information occurs or may occur.',
      citation: 'PIPL Art. 57',
      basis: 'P',
      content: [
        field('pi_categories', 'Categories of personal information involved'),
        field('cause', 'Cause of the incident'),
        field('possible_harm', 'Possible harm'),
        field('remedial_measures', 'Remedial measures taken'),
        field('individual_mitigation_steps', 'Measures individuals can take to reduce harm'),
        field('contact_info', "The processor's contact information"),
      ],
      phases: [
        {
          id: 'initial',
          kind: 'initial',
          deadline: { qualifier: 'immediately', from: 'awareness' },
          caveats: [{ note: 'PIPL Art. 57 says "immediately" and gives no hour or day figure.' }],
        },
      ],
      caveats: [secondary('The trigger wording "occurs or may occur" comes from a translation [S].')],
    },
    {
      id: 'pipl_individuals',
      party: 'individuals',
      recipient: 'Affected individuals',
      condition: 'Leakage, tampering or loss of personal information occurs or may occur, unless measures effectively avoid harm.',
      citation: 'PIPL Art. 57',
      basis: 'P',
      content: [
        field('pi_categories', 'Categories of personal information involved'),
        field('cause', 'Cause of the incident'),
        field('possible_harm', 'Possible harm'),
        field('remedial_measures', 'Remedial measures taken'),
        field('individual_mitigation_steps', 'Measures individuals can take to reduce harm'),
        field('contact_info', "The processor's contact information"),
      ],
      exemptions: ['harm_effectively_avoided: measures effectively avoid harm (the authority may still require notice)'],
      phases: [
        {
          id: 'initial',
          kind: 'initial',
          deadline: { qualifier: 'immediately', from: 'awareness' },
          caveats: [{ note: 'PIPL Art. 57 says "immediately" and gives no hour or day figure. There is no substitute or public-notice rule.' }],
        },
      ],
    },
  ],
  notes: [
    'PIPL Art. 51: internal rules, classified management, encryption/de-identification, access rights, training, and an implemented PI-incident emergency plan.',
    'DSL Art. 29: on a data-security incident act immediately, inform users promptly and report to the competent departments.',
    'Phases, periodic reports and records are not specified in PIPL Art. 57 or DSL Art. 29: see CN_CAC_2025.',
  ],
};

const CAC_INITIAL_CONTENT: readonly ContentField[] = [
  field('unit_and_system', 'Name of the affected unit and basic facts about the affected facility, system or platform'),
  field('time_place_type_grade_impact_measures', 'Time of discovery or occurrence, place, incident type and grade, impact and harm so far, response measures and their effect'),
  field('ransom_amount_method_date', 'Ransomware only: ransom amount, payment method and date'),
  field('trend', 'Likely development and further impact'),
  field('preliminary_cause', 'Preliminary cause analysis'),
  field('investigation_leads', 'Leads for investigation: possible attacker, attack path, vulnerabilities'),
  field('planned_measures_support_request', 'Further planned measures and any request for support'),
  field('site_preservation', 'Status of site and evidence preservation'),
  field('other', 'Other matters to report'),
];
const CAC_FINAL_CONTENT: readonly ContentField[] = [
  field('cause', 'Cause'),
  field('response', 'Response'),
  field('harm', 'Harm'),
  field('accountability', 'Accountability'),
  field('rectification', 'Rectification'),
  field('lessons', 'Lessons'),
];
const CAC_CONTENT_NUMBERING = unconfirmed('The exact numbering of the CAC initial-report items is UNCONFIRMED (content from Chinese text fragments and secondary summaries).');

function cacPhases(hours: 1 | 2 | 4): RegimeEntry['notifications'][number]['phases'] {
  return [
    {
      id: 'initial',
      kind: 'initial',
      deadline: { duration: `PT${hours}H`, from: 'discovery' },
      content: CAC_INITIAL_CONTENT,
      caveats: [
        CAC_CONTENT_NUMBERING,
        { note: 'If cause, impact or trend cannot be determined in time, report items 1 and 2 (unit_and_system, time_place_type_grade_impact_measures) first and supplement the rest promptly.' },
        secondary('Commentators read the limits as running from awareness; the text says discovery or learning of the incident (发现或获知).'),
      ],
    },
    {
      id: 'supplement',
      kind: 'supplement',
      deadline: { qualifier: 'promptly', from: 'submission_of:initial' },
      repeatable: true,
      caveats: [{ note: 'Supplement the missing items, important new developments and investigation milestones promptly (no fixed hours).' }],
    },
    {
      id: 'final',
      kind: 'final',
      deadline: { days: 30, dayType: 'calendar', from: 'incident_handled' },
      content: CAC_FINAL_CONTENT,
      caveats: [
        secondary('Final summary report through the original channel (content from Chinese text fragments and secondary summaries).'),
        { note: 'The Measures say "within 30 days"; counted as calendar days.' },
      ],
    },
  ];
}

const CAC_CONDITION = 'Network operator in the PRC; incident graded relatively major (较大) or above';
const CN_CAC_2025: RegimeEntry = {
  // §4
  id: 'CN_CAC_2025',
  name: 'CAC Measures for National Cybersecurity Incident Reporting (国家网络安全事件报告管理办法)',
  citation: 'CAC Measures for National Cybersecurity Incident Reporting, issued 11 Sep 2025, in force 1 Nov 2025, Arts. 1-4 and Grading Guide',
  sources: ['qdubb.cn reprint of 网信中国 (2025-09-16)', 'cbltranslations.com', 'hunton.com', 'lw.com', 'freshfromchina.com', 'szdaily.com'],
  scope: 'The organisation is a network operator in the PRC (cnOperatorType set), or affected people are in mainland China.',
  clockConvention: 'Hours run continuously from discovery or learning of the incident.',
  grading: {
    levels: ['general', 'relatively_major', 'major', 'particularly_major'],
    peopleMin: { relatively_major: 1_000_000, major: 10_000_000, particularly_major: 100_000_000 },
    lossCnyMin: { relatively_major: 5_000_000, major: 20_000_000, particularly_major: 100_000_000 },
    reportFrom: 'relatively_major',
  },
  notifications: [
    {
      id: 'cac_ciio_protection_dept',
      party: 'authority',
      recipient: 'The critical-information-infrastructure protection-work department',
      condition: `${CAC_CONDITION}; operator type CIIO.`,
      citation: 'CAC Measures (2025) — CIIO: ≤1 h',
      basis: 'P',
      phases: cacPhases(1),
    },
    {
      id: 'cac_ciio_public_security',
      party: 'authority',
      recipient: 'Public security organ',
      condition: `${CAC_CONDITION}; operator type CIIO.`,
      citation: 'CAC Measures (2025) — CIIO: ≤1 h',
      basis: 'P',
      phases: cacPhases(1),
    },
    {
      id: 'cac_state_organ_office',
      party: 'authority',
      recipient: "The department's cyber-affairs office",
      condition: `${CAC_CONDITION}; central/state organ or its unit.`,
      citation: 'CAC Measures (2025) — central/state organs: ≤2 h',
      basis: 'P',
      phases: cacPhases(2),
    },
    {
      id: 'cac_provincial',
      party: 'authority',
      recipient: 'Provincial CAC (cyberspace administration)',
      condition: `${CAC_CONDITION}; any other operator.`,
      citation: 'CAC Measures (2025) — other operators: ≤4 h',
      basis: 'P',
      phases: cacPhases(4),
    },
  ],
  records: [{ description: 'Not specified in these Measures.', retention: null, unconfirmed: true, note: 'Record-keeping and retention rules are UNCONFIRMED.' }],
  caveats: [
    secondary('General (一般) incidents: no timed report under these Measures; sector rules may add duties.'),
    secondary('Grades: meeting any one threshold sets the grade. Other axes (outages, CII downtime, defacement reach, important/core data) exist and are not computed here.'),
  ],
  notes: [
    'Escalations are the receiving authority’s duty: CIIO protection department → national CAC and Ministry of Public Security ≤30 min for major+; cyber-affairs office → national CAC ≤1 h; provincial CAC → national CAC ≤1 h ("CAC within 5 h" overall [S]).',
    'Suspected crime: also report to public security. Sector regulators’ own rules apply in addition.',
    'Channels: hotline 12387, 12387.cert.org.cn, WeChat/mini-program, email, fax [S].',
    'Individuals and public notice are not governed here: see CN_PIPL.',
  ],
};

const HIPAA_INDIVIDUAL_CONTENT: readonly ContentField[] = [
  field('what_happened', 'What happened'),
  field('breach_date', 'Date of the breach, if known'),
  field('discovery_date', 'Date of discovery, if known'),
  field('phi_types', 'Types of unsecured PHI involved'),
  field('self_protection_steps', 'Steps individuals should take to protect themselves'),
  field('entity_actions', 'What the entity is doing to investigate, mitigate and prevent recurrence'),
  field('contact_procedures', 'Contact procedures: a toll-free number, email address, website or postal address'),
];
const HHS_PORTAL_FIELDS = field('hhs_portal_fields', 'The fields of the HHS breach portal', {
  unconfirmed: true,
  note: 'The HHS web-portal fields are UNCONFIRMED (not retrieved).',
});
const HIPAA_60_DAYS = { days: 60, dayType: 'calendar', from: 'discovery', qualifier: 'without_unreasonable_delay' } as const;

const US_HIPAA: RegimeEntry = {
  // §5
  id: 'US_HIPAA',
  name: 'HIPAA Breach Notification Rule',
  citation: '45 CFR 164.400-414',
  sources: ['brickergraydon.com (§§164.404(c),(d), .406, .408, .410, .412, .414)', 'getpocketlaw.com', 'compliancewiki.org (§164.530(j))', 'telehealthist.com'],
  scope: 'The organisation is a HIPAA covered entity or business associate and the breach involves health data (unsecured PHI).',
  clockConvention: 'Calendar days from discovery.',
  notifications: [
    {
      id: 'hipaa_individuals',
      party: 'individuals',
      recipient: 'Affected individuals (next of kin or personal representative if known to be deceased)',
      condition: 'Covered entity; breach of unsecured PHI.',
      citation: '45 CFR 164.404',
      basis: 'P',
      content: HIPAA_INDIVIDUAL_CONTENT,
      substitute: [
        { when: 'Insufficient or out-of-date contact information for fewer than 10 individuals', methods: ['alternative_written_notice', 'telephone', 'other_means'], anyOf: true, basis: 'P' },
        {
          when: 'Insufficient or out-of-date contact information for 10 or more individuals',
          methods: ['conspicuous_home_page_posting', 'major_print_or_broadcast_media'],
          anyOf: true,
          plus: ['toll_free_number_active_90_days'],
          minimumDuration: 'P90D',
          basis: 'P',
          note: 'Web posting for 90 days, or major print/broadcast media where those affected likely live; plus a toll-free number active at least 90 days. No substitute notice is required for next of kin with bad contact details.',
        },
      ],
      phases: [
        {
          id: 'initial',
          kind: 'initial',
          deadline: HIPAA_60_DAYS,
          repeatable: true,
          caveats: [
            { note: 'Plain language; first-class mail, or email if the individual agreed. May go out in one or more mailings as information becomes available.' },
            unconfirmed('Urgent cases: telephone in addition (§164.404(d)(3)); the exact wording is UNCONFIRMED.'),
          ],
        },
      ],
    },
    {
      id: 'hipaa_media',
      party: 'media',
      recipient: 'Prominent media outlets serving the State or jurisdiction',
      condition: 'Covered entity; more than 500 residents of one State or jurisdiction affected (one notice per State).',
      citation: '45 CFR 164.406',
      basis: 'P',
      content: HIPAA_INDIVIDUAL_CONTENT,
      phases: [{ id: 'initial', kind: 'initial', deadline: HIPAA_60_DAYS }],
    },
    {
      id: 'hipaa_hhs_immediate',
      party: 'authority',
      recipient: 'HHS Secretary (OCR), in the manner set on the HHS website',
      condition: 'Covered entity; 500 or more individuals affected.',
      citation: '45 CFR 164.408(b)',
      basis: 'P',
      content: [HHS_PORTAL_FIELDS],
      phases: [
        {
          id: 'initial',
          kind: 'initial',
          deadline: { days: 60, dayType: 'calendar', from: 'discovery', qualifier: 'contemporaneous' },
          caveats: [{ note: 'Contemporaneously with the individual notice; the due time shown is the outer limit of the individual notice (60 calendar days after discovery).' }],
        },
      ],
    },
    {
      id: 'hipaa_hhs_annual',
      party: 'authority',
      recipient: 'HHS Secretary (OCR): annual log of breaches affecting fewer than 500',
      condition: 'Covered entity; fewer than 500 individuals affected.',
      citation: '45 CFR 164.408(c)',
      basis: 'P',
      content: [HHS_PORTAL_FIELDS],
      phases: [
        {
          id: 'annual_log',
          kind: 'periodic',
          deadline: { days: 60, dayType: 'calendar', from: 'calendar_year_end' },
          caveats: [{ note: 'Keep a log; submit no later than 60 days after the end of the calendar year, covering breaches discovered in that year.' }],
        },
      ],
    },
    {
      id: 'hipaa_covered_entity',
      party: 'covered_entity',
      recipient: 'The covered entity (the business associate notifies it)',
      condition: 'The organisation is a business associate of a covered entity.',
      citation: '45 CFR 164.410',
      basis: 'P',
      content: [
        field('affected_individual_identities', 'Identity of each affected individual, to the extent possible'),
        field('information_for_individual_notice', 'Other information the covered entity needs for its §164.404(c) notice'),
      ],
      phases: [{ id: 'initial', kind: 'initial', deadline: HIPAA_60_DAYS, repeatable: true }],
    },
  ],
  delays: [
    { description: 'Law-enforcement delay, written statement: delay for the period it specifies.', max: null, basis: 'P' },
    { description: "Law-enforcement delay, oral statement: document it (incl. the official's identity); delay at most 30 days unless a written one follows.", max: 'P30D', basis: 'P' },
  ],
  records: [
    {
      description: 'Burden of proof on the covered entity or BA (§164.414(b)); documentation kept 6 years from creation or last effect, whichever is later.',
      citation: '45 CFR 164.530(j)',
      retention: 'P6Y',
    },
  ],
  caveats: [secondary('An impermissible use or disclosure is presumed a breach unless a documented risk assessment shows a low probability of compromise.')],
};

const US_CA: RegimeEntry = {
  // §6
  id: 'US_CA',
  name: 'California Civ. Code §1798.82 (as amended by SB 446)',
  citation: 'Cal. Civ. Code §1798.82 (SB 446, in force 1 Jan 2026)',
  sources: [
    'lexace.ai/us/statute/california/civ-1798.82',
    'oag.ca.gov/privacy/databreach/report-a-breach',
    'swlaw.com data-breach map (CA)',
    'lexology.com (2015: 30-day posting)',
    'mvalaw.com',
    'dataprotectionreport.com (SB 446)',
    'biocyph.com',
  ],
  scope: 'Affected California residents (US-CA) whose unencrypted personal information was, or is reasonably believed to have been, acquired.',
  clockConvention: 'Calendar days.',
  notifications: [
    {
      id: 'ca_residents',
      party: 'individuals',
      recipient: 'Affected California residents',
      condition: 'California residents affected and the data were not unintelligible (encrypted PI counts only if the key was also acquired).',
      citation: 'Cal. Civ. Code §1798.82(a)',
      basis: 'P',
      content: [
        field('title_notice_of_data_breach', 'Title "Notice of Data Breach", plain language, ≥10-point type'),
        field('heading_what_happened', 'Heading: What Happened'),
        field('heading_what_information_was_involved', 'Heading: What Information Was Involved'),
        field('heading_what_we_are_doing', 'Heading: What We Are Doing'),
        field('heading_what_you_can_do', 'Heading: What You Can Do'),
        field('heading_for_more_information', 'Heading: For More Information'),
        field('notifier_contact', "Notifier's name and contact details"),
        field('pi_types', 'Types of personal information involved'),
        field('breach_date_or_range', 'Date, estimated date or date range of the breach, if determinable'),
        field('notice_date', 'Date of the notice'),
        field('law_enforcement_delay', 'Whether notice was delayed for law enforcement'),
        field('incident_description', 'General description of the incident'),
        field('cra_contacts_if_ssn_or_id', 'Toll-free numbers and addresses of the major credit reporting agencies, if SSN or DL/ID number was exposed'),
        field('identity_theft_services_12_months', 'If the notifier was the source and SSN or DL/ID was exposed: identity-theft prevention and mitigation services at no cost for ≥12 months', {
          note: 'Secondary summaries only [S].',
        }),
      ],
      substitute: [
        {
          when: 'Cost of notice would exceed $250,000, or the affected class exceeds 500,000, or contact information is insufficient',
          methods: ['email_where_held', 'conspicuous_website_posting', 'major_statewide_media'],
          minimumDuration: 'P30D',
          basis: 'P',
          note: 'Website posting for at least 30 days via a link on the home page or first significant page, in larger or contrasting type.',
        },
        {
          when: 'Insufficient contact information (exact California wording)',
          methods: ['email_where_held', 'conspicuous_website_posting', 'major_statewide_media'],
          minimumDuration: 'P30D',
          unconfirmed: true,
          note: 'The exact California wording of the insufficient-contact-information ground is UNCONFIRMED.',
        },
      ],
      phases: [
        {
          id: 'initial',
          kind: 'initial',
          deadline: { days: 30, dayType: 'calendar', from: 'discovery' },
          caveats: [{ note: 'Within 30 calendar days of discovery or notification of the breach; delay allowed for law enforcement or to determine scope and restore system integrity.' }],
        },
      ],
    },
    {
      id: 'ca_ag',
      party: 'authority',
      recipient: 'California Attorney General (a single sample copy of the notice, no PII, submitted electronically)',
      condition: 'More than 500 California residents notified for one breach.',
      citation: 'Cal. Civ. Code §1798.82(f)',
      basis: 'P',
      content: [
        field('sample_notice', 'Sample notice (PDF)'),
        field('breach_dates', 'Breach date(s)'),
        field('discovery_dates', 'Discovery date(s)'),
        field('consumer_notice_dates', 'Date(s) consumers were notified'),
        field('pi_types', 'Types of personal information'),
        field('small_business_flag', 'Small-business flag'),
      ],
      phases: [
        {
          id: 'initial',
          kind: 'initial',
          deadline: { days: 15, dayType: 'calendar', from: 'notice_sent:ca_residents' },
          caveats: [secondary('AG within 15 calendar days after notifying consumers (mvalaw, mondaq, dataprotectionreport, dailyjournal).')],
        },
      ],
    },
    {
      id: 'ca_data_owner',
      party: 'data_owner',
      recipient: 'The owner or licensee of the data',
      condition: 'The organisation maintains data it does not own (acts as a processor).',
      citation: 'Cal. Civ. Code §1798.82(b)',
      basis: 'P',
      phases: [{ id: 'initial', kind: 'initial', deadline: { qualifier: 'immediately', from: 'discovery' } }],
    },
  ],
};

const NY_REGULATOR_CONTENT: readonly ContentField[] = [
  field('notice_timing', 'Timing of the notices'),
  field('notice_content', 'Content of the notices'),
  field('notice_distribution', 'Distribution of the notices'),
  field('approx_affected', 'Approximate number of affected persons'),
  field('notice_template', 'A template of the notice', { unconfirmed: true, note: 'Whether a template of the notice is required is UNCONFIRMED.' }),
];
const NY_REGULATOR_TIMING = unconfirmed(
  'Regulators are notified when residents are notified (simultaneity per statute text) — UNCONFIRMED; the due time shown is the residents’ 30-day limit.',
);
function nyRegulator(id: string, recipient: string, extra: Caveat[] = []): RegimeEntry['notifications'][number] {
  return {
    id,
    party: 'authority',
    recipient,
    condition: 'New York residents are notified.',
    citation: 'N.Y. Gen. Bus. Law §899-aa(8)',
    basis: 'S',
    content: NY_REGULATOR_CONTENT,
    phases: [
      {
        id: 'initial',
        kind: 'initial',
        deadline: { days: 30, dayType: 'calendar', from: 'discovery', qualifier: 'contemporaneous' },
        caveats: [NY_REGULATOR_TIMING, secondary('Regulator content: timing, content and distribution of the notices and approximate number affected (mondaq on DFS).'), ...extra],
      },
    ],
  };
}

const US_NY: RegimeEntry = {
  // §7
  id: 'US_NY',
  name: 'New York Gen. Bus. Law §899-aa',
  citation: 'N.Y. Gen. Bus. Law §899-aa (S2659B, in force Dec 2024)',
  sources: ['alstonprivacy.com', 'mondaq.com 1568554', 'mcdonaldhopkins.com', 'covingtonblogs.com', 'its.ny.gov/breach-notification', 'NY DOS guide', 'nysenate.gov A8756'],
  scope: 'Affected New York residents (US-NY); unauthorised access to or acquisition of private information.',
  clockConvention: '"Days", unqualified: counted as calendar days.',
  notifications: [
    {
      id: 'ny_residents',
      party: 'individuals',
      recipient: 'Affected New York residents',
      condition: 'New York residents affected.',
      citation: 'N.Y. Gen. Bus. Law §899-aa(2)',
      basis: 'S',
      content: [
        field('notifier_contact', "Notifier's contact information", { unconfirmed: true, note: 'NY individual content list is UNCONFIRMED (statute text not retrieved; recalled).' }),
        field('agency_contacts', 'Telephone numbers and websites of the relevant state and federal agencies on breach response and identity theft', {
          unconfirmed: true,
          note: 'NY individual content list is UNCONFIRMED (statute text not retrieved; recalled).',
        }),
        field('information_categories', 'Categories of information accessed or acquired, incl. which elements', {
          unconfirmed: true,
          note: 'NY individual content list is UNCONFIRMED (statute text not retrieved; recalled).',
        }),
      ],
      substitute: [
        {
          when: 'The business shows the AG that the cost would exceed $250,000, the class exceeds 500,000, or contact information is insufficient',
          methods: ['email', 'conspicuous_website_posting', 'major_statewide_media'],
          minimumDuration: null,
          basis: 'S',
          unconfirmed: true,
          note: 'The duration of the website posting is UNCONFIRMED.',
        },
      ],
      phases: [
        {
          id: 'initial',
          kind: 'initial',
          deadline: { days: 30, dayType: 'calendar', from: 'discovery', qualifier: 'without_unreasonable_delay' },
          caveats: [
            secondary('Within 30 days after discovery (alston, mondaq, mcdonaldhopkins); only law-enforcement needs may delay it.'),
            { note: 'The statute says "days" without a qualifier; counted as calendar days.' },
          ],
        },
      ],
    },
    nyRegulator('ny_ag', 'New York Attorney General'),
    nyRegulator('ny_dos', 'New York Department of State, Division of Consumer Protection'),
    nyRegulator('ny_state_police', 'New York Division of State Police'),
    nyRegulator('ny_dfs', 'New York Department of Financial Services', [secondary('DFS is notified even by entities it does not license.')]),
    {
      id: 'ny_cras',
      party: 'consumer_reporting_agencies',
      recipient: 'Consumer reporting agencies',
      condition: 'More than 5,000 New York residents notified.',
      citation: 'N.Y. Gen. Bus. Law §899-aa(8)(b)',
      basis: 'S',
      content: NY_REGULATOR_CONTENT.slice(0, 4),
      phases: [
        {
          id: 'initial',
          kind: 'initial',
          deadline: { qualifier: 'unspecified', from: 'notice_sent:ny_residents' },
          caveats: [unconfirmed('The reference gives no time limit for the consumer-reporting-agency notice (UNCONFIRMED).')],
        },
      ],
    },
    {
      id: 'ny_data_owner',
      party: 'data_owner',
      recipient: 'The owner of the data',
      condition: 'The organisation maintains data it does not own (acts as a processor).',
      citation: 'N.Y. Gen. Bus. Law §899-aa(3)',
      basis: 'S',
      phases: [{ id: 'initial', kind: 'initial', deadline: { days: 30, dayType: 'calendar', from: 'discovery' } }],
    },
  ],
};

const US_TX: RegimeEntry = {
  // §8
  id: 'US_TX',
  name: 'Texas Bus. & Com. Code §521.053',
  citation: 'Tex. Bus. & Com. Code §521.053 (AG deadline per S.B. 768, in force 1 Sep 2023)',
  sources: ['lawserver.com (§521.053)', 'billcam.com (S.B. 768)', 'perkinscoie.com TX chart', 'texasattorneygeneral.gov data-breach-reporting', 'complianceiq.site'],
  scope: 'Affected Texas residents (US-TX); the duty to individuals covers any affected individual, including non-residents.',
  clockConvention: 'Days after the determination that the breach occurred (not discovery); counted as calendar days.',
  notifications: [
    {
      id: 'tx_individuals',
      party: 'individuals',
      recipient: 'Every individual whose sensitive personal information was or is reasonably believed to have been acquired, including non-residents',
      condition: 'Texas residents affected (the duty then covers every affected individual).',
      citation: 'Tex. Bus. & Com. Code §521.053(b)',
      basis: 'P',
      content: [
        field('no_prescribed_headings', 'The statute prescribes no content headings', {
          unconfirmed: true,
          note: 'That the Texas statute prescribes no individual-notice content is from a secondary source and UNCONFIRMED.',
        }),
      ],
      substitute: [
        {
          when: 'Cost > $250,000, > 500,000 persons, or insufficient contact information',
          methods: ['email', 'conspicuous_website_posting', 'major_statewide_media'],
          unconfirmed: true,
          note: 'The Texas substitute-notice rule is UNCONFIRMED (not retrieved).',
        },
      ],
      phases: [
        {
          id: 'initial',
          kind: 'initial',
          deadline: { days: 60, dayType: 'calendar', from: 'breach_determination', qualifier: 'without_unreasonable_delay' },
          caveats: [{ note: 'Not later than the 60th day after the determination that the breach occurred; law-enforcement delay, or time to determine scope and restore integrity, allowed.' }],
        },
      ],
    },
    {
      id: 'tx_ag',
      party: 'authority',
      recipient: 'Texas Attorney General (electronic form on the AG website)',
      condition: 'The breach involves at least 250 Texas residents.',
      citation: 'Tex. Bus. & Com. Code §521.053(i)',
      basis: 'P',
      content: [
        field('nature_and_circumstances', 'Detailed description of the nature and circumstances, or of the use of the acquired sensitive PI'),
        field('texas_residents_affected', 'Number of Texas residents affected at the time of notice'),
        field('residents_sent_direct_notice', 'Number of affected residents sent a direct (mail or other) disclosure'),
        field('measures_taken', 'Measures taken'),
        field('measures_intended', 'Measures intended after notice'),
        field('law_enforcement_investigating', 'Whether law enforcement is investigating'),
      ],
      phases: [
        {
          id: 'initial',
          kind: 'initial',
          deadline: { days: 30, dayType: 'calendar', from: 'breach_determination', qualifier: 'as_soon_as_practicable' },
          caveats: [{ note: 'The AG posts a public listing; submissions may be open records.' }],
        },
      ],
    },
    {
      id: 'tx_cras',
      party: 'consumer_reporting_agencies',
      recipient: 'Nationwide consumer reporting agencies',
      condition: 'More than 10,000 persons notified.',
      citation: 'Tex. Bus. & Com. Code §521.053(h)',
      basis: 'S',
      phases: [
        {
          id: 'initial',
          kind: 'initial',
          deadline: { qualifier: 'unspecified', from: 'notice_sent:tx_individuals' },
          caveats: [unconfirmed('The wording of the Texas consumer-reporting-agency duty (>10,000 persons) and its timing are UNCONFIRMED.')],
        },
      ],
    },
  ],
};

const EU_NIS2: RegimeEntry = {
  // §9
  id: 'EU_NIS2',
  name: 'NIS2 Directive',
  citation: 'Directive (EU) 2022/2555 Art. 23',
  sources: ['nis2-info.eu/article-23-reporting-obligations', 'powerquant.dk (Art. 23(4) text)', 'docs.modulos.ai/frameworks/nis2/incident-reporting-and-communications'],
  scope: 'The organisation is an essential or important entity and the incident is significant.',
  clockConvention: 'Hours run continuously from awareness of the significant incident; the final report one calendar month after the notification.',
  notifications: [
    {
      id: 'nis2_csirt',
      party: 'authority',
      recipient: 'National CSIRT or competent authority (a competent authority forwards to the CSIRT)',
      condition: 'Essential or important entity; significant incident (severe operational disruption or financial loss, or considerable damage to others).',
      citation: 'NIS2 Art. 23(1), 23(4)',
      basis: 'P',
      phases: [
        {
          id: 'early_warning',
          kind: 'initial',
          deadline: { duration: 'PT24H', from: 'awareness' },
          content: [
            field('malicious_action_suspected', 'Whether unlawful or malicious action is suspected'),
            field('cross_border_impact_possible', 'Whether there could be cross-border impact'),
          ],
        },
        {
          id: 'notification',
          kind: 'intermediate',
          deadline: { duration: 'PT72H', from: 'awareness' },
          sectorOverrides: [
            {
              sector: 'trust_services',
              deadline: { duration: 'PT24H', from: 'awareness' },
              caveat: secondary('Trust service providers: incident notification ≤24 h for incidents affecting trust services (OJ quote in docs.modulos.ai).'),
            },
          ],
          content: [
            field('early_warning_update', 'Update of the early warning'),
            field('initial_assessment', 'Initial assessment of severity and impact'),
            field('iocs', 'Indicators of compromise, where available'),
          ],
        },
        {
          id: 'final',
          kind: 'final',
          deadline: { months: 1, from: 'submission_of:notification' },
          content: [
            field('detailed_description', 'Detailed description, severity and impact'),
            field('threat_type_root_cause', 'Type of threat or likely root cause'),
            field('mitigation', 'Mitigation applied and ongoing'),
            field('cross_border_impact', 'Cross-border impact where relevant'),
          ],
          caveats: [MONTH_ROLL_UNCONFIRMED],
          ifStillOngoing: {
            progressPhase: 'progress',
            finalDeadline: { months: 1, from: 'incident_handled' },
            note: 'If the incident is still ongoing when the final report falls due, a progress report is due then and the final report within one month after the incident is handled.',
          },
        },
      ],
      caveats: [{ note: 'An intermediate report is due on request of the CSIRT or authority (status updates); it is not derived without a request.' }],
    },
    {
      id: 'nis2_recipients',
      party: 'service_recipients',
      recipient: 'Recipients of the service',
      condition: 'Where appropriate, when the significant incident is likely to affect the service (for cyber threats: the measures recipients can take).',
      citation: 'NIS2 Art. 23(1), 23(2)',
      basis: 'P',
      phases: [{ id: 'initial', kind: 'initial', deadline: { qualifier: 'unspecified', from: 'awareness' } }],
      caveats: [{ note: 'The reference gives no time limit for informing recipients ("where appropriate").' }],
    },
  ],
  caveats: [
    unconfirmed('The CSIRT answers the early warning within 24 h (Art. 23(5)): wording UNCONFIRMED.'),
    { note: 'Member-state transposition may add detail. Notifying does not by itself increase liability.' },
  ],
};

const DORA_RELIEF_EXCLUSIONS = unconfirmed('The entity types excluded from the DORA weekend/holiday relief are UNCONFIRMED.');
const EU_DORA: RegimeEntry = {
  // §10
  id: 'EU_DORA',
  name: 'Digital Operational Resilience Act',
  citation: 'Reg. (EU) 2022/2554 Art. 17-19; RTS (EU) 2025/301 Art. 5; ITS (EU) 2025/302; RTS (EU) 2024/1772',
  sources: ['exlege.bg (official BG text, 2025/301 Art. 5)', 'dora-info.eu/rts-mir/article-6/', 'nomox.eu (2024/1772 Art. 8; 2025/302)', 'docs.dora.report', 'securiti.ai', 'cyberday.ai (Art. 19)'],
  scope: 'The organisation is a DORA financial entity and the incident is classified as major.',
  clockConvention: 'Hours run continuously; optional relief for deadlines on weekends and holidays.',
  calendarRule: {
    kind: 'weekend_relief_noon_next_working_day',
    description: "A deadline falling on a weekend or bank holiday of the entity's Member State may move to 12:00 of the next working day.",
    optIn: true,
    basis: 'S',
    caveats: [DORA_RELIEF_EXCLUSIONS],
  },
  notifications: [
    {
      id: 'dora_authority',
      party: 'authority',
      recipient: 'Relevant competent authority (Art. 46); significant credit institutions report to the NCA, which passes it to the ECB',
      condition: 'DORA financial entity; incident classified as major (critical services affected and the data-loss threshold or ≥2 other materiality thresholds met).',
      citation: 'DORA Art. 19; RTS (EU) 2025/301 Art. 5',
      basis: 'P',
      phases: [
        {
          id: 'initial',
          kind: 'initial',
          deadline: {
            earliestOf: [
              { duration: 'PT4H', from: 'classification_major' },
              { duration: 'PT24H', from: 'awareness' },
            ],
            ignoreDueBefore: 'classification_major',
          },
          content: [
            field('reference_code', 'Incident reference code'),
            field('detection_details', 'Detection details'),
            field('classification_criteria_met', 'Classification criteria met'),
            field('affected_member_states', 'Affected Member States'),
            field('discovery_method', 'How the incident was discovered'),
            field('bcp_activated', 'Whether the business continuity plan was activated'),
          ],
          caveats: [
            secondary('If classified as major later than 24 h after awareness: ≤4 h after classification (draft RTS text).'),
            secondary('Content of the ITS 2025/302 template (securiti); fields are cumulative and estimates are allowed.'),
            secondary('A missed deadline must be explained to the authority before it expires (draft text).'),
          ],
        },
        {
          id: 'intermediate',
          kind: 'intermediate',
          deadline: { duration: 'PT72H', from: 'submission_of:initial' },
          repeatable: true,
          content: [
            field('occurrence_time', 'Time of occurrence'),
            field('recovery', 'Recovery'),
            field('incident_type', 'Incident type'),
            field('attack_technique', 'Attack technique'),
            field('affected_processes_infrastructure', 'Affected processes and infrastructure'),
            field('client_impact', 'Impact on clients'),
            field('reports_to_other_authorities', 'Reports to other authorities'),
            field('iocs', 'Indicators of compromise'),
          ],
          caveats: [
            { note: 'Due even if nothing changed. Updated intermediate reports go in without undue delay, and in any case once regular activities are recovered: record each as a further intermediate submission.' },
            secondary('Content of the ITS 2025/302 template (securiti).'),
          ],
        },
        {
          id: 'final',
          kind: 'final',
          deadline: { months: 1, from: 'submission_of:intermediate' },
          content: [
            field('root_causes', 'Root causes'),
            field('resolution_dates', 'Resolution dates'),
            field('measures', 'Measures'),
            field('costs_and_losses', 'Direct and indirect costs and losses'),
            field('recoveries', 'Recoveries'),
            field('resolution_authority_info', 'Information for resolution authorities'),
          ],
          caveats: [
            { note: 'One month after the latest (updated) intermediate report.' },
            secondary('Content of the ITS 2025/302 template (securiti).'),
          ],
        },
      ],
    },
    {
      id: 'dora_clients',
      party: 'clients',
      recipient: 'Clients whose financial interests are or may be affected',
      condition: 'Major incident that affects or may affect the financial interests of clients.',
      citation: 'DORA Art. 19(3)',
      basis: 'P',
      phases: [{ id: 'initial', kind: 'initial', deadline: { qualifier: 'without_undue_delay', from: 'classification_major' } }],
      caveats: [{ note: 'Inform them of the incident and of the mitigation measures.' }],
    },
  ],
  records: [
    {
      description: 'Record all ICT-related incidents and significant cyber threats (Art. 17).',
      citation: 'DORA Art. 17',
      retention: null,
      unconfirmed: true,
      note: 'The paragraph number of the DORA record-keeping duty is UNCONFIRMED.',
    },
  ],
  caveats: [
    secondary('Classification as major: without undue delay.'),
    { note: 'Recurring incidents count as one major incident if they occur ≥2 times in 6 months, share the same apparent root cause and together meet the criteria; check monthly (RTS 2024/1772 Art. 8).' },
    { note: 'Significant cyber threats: voluntary notification.' },
    secondary('Reports may be combined if the deadlines are still met.'),
  ],
};

const US_SEC_8K: RegimeEntry = {
  // §11
  id: 'US_SEC_8K',
  name: 'SEC Form 8-K Item 1.05',
  citation: 'Form 8-K Item 1.05; SEC Release 33-11216 (July 2023)',
  sources: ['breachdocket.com (quotes Rel. 33-11216)', 'mktbolt.com (8-K text)', 'cooleypubco.com', 'paulhastings.com', 'paulweiss.com'],
  scope: 'The organisation is an SEC registrant (listed company).',
  clockConvention: 'Business days.',
  notifications: [
    {
      id: 'sec_8k',
      party: 'investors',
      recipient: 'Investors and the public, by filing Form 8-K (Form 6-K for foreign private issuers) with the SEC',
      condition: 'The registrant determines the cybersecurity incident to be material (decided without unreasonable delay after discovery).',
      citation: 'Form 8-K Item 1.05(a)',
      basis: 'P',
      phases: [
        {
          id: 'initial',
          kind: 'initial',
          deadline: { days: 4, dayType: 'business', from: 'materiality_determination' },
          content: [
            field('nature', 'Material aspects of the nature of the incident'),
            field('scope', 'Material aspects of its scope'),
            field('timing', 'Material aspects of its timing'),
            field('material_impact', 'Material impact or reasonably likely material impact, incl. on financial condition and results of operations'),
          ],
        },
        {
          id: 'amendment',
          kind: 'supplement',
          deadline: { days: 4, dayType: 'business', from: 'info_determined' },
          repeatable: true,
          content: [field('undetermined_information', 'Information that was not determined or available at the time of the initial filing')],
          caveats: [secondary('Form 8-K/A within 4 business days after the missing information is determined or available.')],
        },
      ],
    },
  ],
  delays: [
    {
      description: 'The US Attorney General finds a substantial risk to national security or public safety and notifies the SEC in writing: delay up to 30 days. Requests go through the FBI; a request does not toll the 4-day clock.',
      max: 'P30D',
      basis: 'S',
    },
    { description: 'Further extensions (+30 days, then +60 in extraordinary cases, then an SEC exemptive order).', max: null, basis: 'S', unconfirmed: true, note: 'Extensions beyond 30 days are UNCONFIRMED.' },
  ],
  caveats: [
    unconfirmed('FCC CPNI-rule registrants: ≤7 business days — UNCONFIRMED; not applied.'),
    secondary('Compliance date 18 Dec 2023; smaller reporting companies 15 Jun 2024.'),
    secondary('Annual Reg. S-K Item 106 disclosure (risk management, strategy, governance) in the 10-K.'),
  ],
};

export const REGIME_CATALOG: RegimeCatalog = {
  version: '2026-11-24',
  source: 'shared/reference/regulations.md (compiled mid-2026)',
  regimes: [EU_GDPR, UK_GDPR, CN_PIPL, CN_CAC_2025, US_HIPAA, US_CA, US_NY, US_TX, EU_NIS2, EU_DORA, US_SEC_8K],
};
