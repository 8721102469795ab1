"""Demo risk register for riskreg, built from the Dudley LSCB 2013-14 annual report.

Pure data. Every date is a whole number of days relative to today, so the demo stays live:
``days_ago`` counts back from today, ``target_in_days`` / ``due_in_days`` count forward
(negative means already in the past). A risk's first scores are the exception: their
``days_ago`` only orders the risks, which load.py raises over the last two complete
financial years. Risk statements are copied word for word from the
"Key risks and Challenges" section of the seed report.
"""

from __future__ import annotations

BOARD_NAME = "Dudley Safeguarding Children Board"

# The partnership's agencies, as Admin → Agencies lists them: every agency the risks below
# name as lead or partner.
AGENCIES = [
    "Cafcass",
    "Dudley and Walsall Mental Health Partnership NHS Trust",
    "Dudley CCG",
    "Dudley Group NHS Foundation Trust",
    "Dudley MBC Children's Services",
    "Dudley MBC Legal Services",
    "Dudley MBC Public Health",
    "DSCB Business Unit",
    "NHS England",
    "Schools and academies",
    "West Midlands Police",
]

# Past board meetings, oldest first, then the next (future) one.
# "agreed": the board agreed the register at that meeting.
MEETINGS = [
    {
        "key": "m1",
        "title": "Board meeting",
        "days_ago": 200,
        "agreed": True,
        "notes": (
            "Register agreed. The Board asked for monthly caseload data and a re-audit of "
            "child protection plans against the new inter-agency standards."
        ),
    },
    {
        "key": "m2",
        "title": "Board meeting",
        "days_ago": 110,
        "agreed": True,
        "notes": (
            "Register agreed. Front-line capacity rescored to Extreme and escalated to the "
            "Chair; the Chair to write to West Midlands Police about the PPU restructure."
        ),
    },
    {
        "key": "m3",
        "title": "Board meeting",
        "days_ago": 20,
        "agreed": True,
        "notes": (
            "Register agreed. Conference minutes risk reduced after sustained improvement; "
            "partner contributions for the Quality Assurance Officer confirmed."
        ),
    },
    {
        "key": "m4",
        "title": "Board meeting",
        "days_ago": -24,
        "agreed": False,
        "notes": "Next meeting. Register to be reviewed and agreed.",
    },
]

RISKS = [
    {
        "section": "SG",
        "title": "Front-line capacity to meet rising demand and complexity",
        "statement": (
            "Capacity of front-line services to respond to increasing demand and complexity of "
            "child protection work, notably at a time of recession with the impact of poverty "
            "increasing pressures within some families and cuts within public sector services "
            "on the provision of early intervention and some areas of more specialist "
            "assessment and intervention."
        ),
        "causes": (
            "Contacts, referrals and domestic abuse notifications keep rising while public "
            "sector budgets shrink. Social work vacancies are filled by agency staff."
        ),
        "consequences": (
            "Children at risk of significant harm are not seen, assessed or protected quickly "
            "enough, and early help that would stop problems escalating is not there."
        ),
        "owner_name": "Gary Whitehouse",
        "owner_role": "Head of Children's Social Care",
        "lead_agency": "Dudley MBC Children's Services",
        "partner_agencies": [
            "West Midlands Police",
            "Dudley CCG",
            "Dudley Group NHS Foundation Trust",
            "Schools and academies",
        ],
        "priority": "Quality & Performance Management Group",
        "target_in_days": 240,
        "assessments": [
            {
                "kind": "inherent",
                "l": 5,
                "i": 5,
                "days_ago": 250,
                "rationale": (
                    "Without thresholds, early help or social work capacity, rising demand "
                    "would leave children at risk of significant harm unprotected."
                ),
                "meeting": None,
            },
            {
                "kind": "current",
                "l": 3,
                "i": 4,
                "days_ago": 250,
                "rationale": (
                    "Demand is being absorbed, but the performance data set shows caseloads "
                    "rising and fewer assessments completed within timescale."
                ),
                "meeting": None,
            },
            {
                "kind": "target",
                "l": 2,
                "i": 4,
                "days_ago": 250,
                "rationale": (
                    "Reachable once the early help offer and recruitment plan bring caseloads "
                    "back within agreed limits."
                ),
                "meeting": None,
            },
            {
                "kind": "current",
                "l": 4,
                "i": 4,
                "days_ago": 110,
                "rationale": (
                    "Domestic abuse notifications are up 50% on last year and two social work "
                    "teams carry vacancy rates above 20%."
                ),
                "meeting": "m2",
            },
            {
                "kind": "current",
                "l": 4,
                "i": 5,
                "days_ago": 6,
                "rationale": (
                    "Repeat referrals and agency staff turnover are rising; a multi-agency "
                    "case audit found two children whose plans drifted without a social worker."
                ),
                "meeting": None,
            },
        ],
        "controls": [
            {
                "description": "Multi-agency threshold document and MASH screening of all contacts",
                "owner": "Service Manager, Referral and Assessment",
                "assurance_source": "Performance data set",
                "effectiveness": "partly_effective",
            },
            {
                "description": "Monthly caseload and vacancy report to the Quality & Performance "
                "Management Group",
                "owner": "Head of Children's Social Care",
                "assurance_source": "Workforce data report",
                "effectiveness": "effective",
            },
            {
                "description": "Early help through common assessment and the Family Intervention "
                "Programme in the new Children's Centre clusters",
                "owner": "Early Help Manager",
                "assurance_source": "Multi-agency case audit",
                "effectiveness": "not_yet_known",
            },
        ],
        "actions": [
            {
                "description": "Recruit to social work vacancies and cut reliance on agency staff",
                "owner": "Head of Children's Social Care",
                "due_in_days": -10,
                "status": "in_progress",
                "completed_days_ago": None,
            },
            {
                "description": "Present a demand and capacity analysis with partners' early help "
                "commitments to the Board",
                "owner": "Gary Whitehouse",
                "due_in_days": 24,
                "status": "not_started",
                "completed_days_ago": None,
            },
            {
                "description": "Commission multi-agency Signs of Safety training for frontline "
                "managers",
                "owner": "DSCB Training Co-ordinator",
                "due_in_days": -150,
                "status": "complete",
                "completed_days_ago": 160,
            },
        ],
    },
    {
        "section": "SG",
        "title": "Impact of NHS and police reorganisation on frontline practice",
        "statement": (
            "The continued impact on frontline practice of continued national and regional "
            "organisational change and reform within health and police."
        ),
        "causes": (
            "NHS commissioning reforms and West Midlands Police restructuring move safeguarding "
            "posts, responsibilities and local knowledge."
        ),
        "consequences": (
            "Information about children is not shared, strategy meetings lack police or health "
            "input and children's needs fall between agencies."
        ),
        "owner_name": "Sunita Dhillon",
        "owner_role": "Designated Nurse for Safeguarding Children",
        "lead_agency": "Dudley CCG",
        "partner_agencies": [
            "West Midlands Police",
            "NHS England",
            "Dudley Group NHS Foundation Trust",
            "Dudley and Walsall Mental Health Partnership NHS Trust",
        ],
        "priority": "Business Planning Group",
        "target_in_days": 300,
        "assessments": [
            {
                "kind": "inherent",
                "l": 4,
                "i": 4,
                "days_ago": 240,
                "rationale": (
                    "Losing named safeguarding posts during restructures would break the links "
                    "frontline staff rely on."
                ),
                "meeting": None,
            },
            {
                "kind": "current",
                "l": 3,
                "i": 4,
                "days_ago": 240,
                "rationale": (
                    "Designated professionals are in post, but responsibilities between NHS "
                    "England and the CCG are still being settled."
                ),
                "meeting": None,
            },
            {
                "kind": "target",
                "l": 2,
                "i": 3,
                "days_ago": 240,
                "rationale": (
                    "Stable designated and named professional arrangements and a settled Public "
                    "Protection Unit reduce both likelihood and impact."
                ),
                "meeting": None,
            },
            {
                "kind": "current",
                "l": 3,
                "i": 3,
                "days_ago": 200,
                "rationale": (
                    "Section 11 audit returns show health providers kept named professionals "
                    "and safeguarding supervision in place through the changes."
                ),
                "meeting": "m1",
            },
            {
                "kind": "current",
                "l": 4,
                "i": 3,
                "days_ago": 110,
                "rationale": (
                    "Police have announced a Public Protection Unit restructure and police "
                    "attendance at strategy meetings fell last quarter."
                ),
                "meeting": "m2",
            },
        ],
        "controls": [
            {
                "description": "Section 11 audit of every partner agency with challenge sessions",
                "owner": "DSCB Business Manager",
                "assurance_source": "Section 11 audit",
                "effectiveness": "effective",
            },
            {
                "description": "CCG safeguarding assurance framework for commissioned providers",
                "owner": "Chief Nurse, Dudley CCG",
                "assurance_source": "CCG safeguarding assurance report",
                "effectiveness": "partly_effective",
            },
            {
                "description": "Monthly monitoring of police attendance at strategy meetings",
                "owner": "Detective Inspector, Public Protection Unit",
                "assurance_source": "Performance data set",
                "effectiveness": "not_effective",
            },
        ],
        "actions": [
            {
                "description": "Obtain written assurance from West Midlands Police on the "
                "safeguarding impact of the PPU restructure",
                "owner": "Independent Chair",
                "due_in_days": 30,
                "status": "in_progress",
                "completed_days_ago": None,
            },
            {
                "description": "Agree safeguarding responsibilities with the NHS England area team",
                "owner": "Sunita Dhillon",
                "due_in_days": -120,
                "status": "complete",
                "completed_days_ago": 125,
            },
        ],
    },
    {
        "section": "SG",
        "title": "Family Justice Review timescales in care proceedings",
        "statement": (
            "the impact of the Family Justice Review in terms of capacity to adhere to "
            "timescales and additional requirements with family court proceedings, "
            "particularly in view of the increasing complexity of the circumstances of some "
            "children who are subject to care proceedings."
        ),
        "causes": (
            "The 26-week limit for care proceedings, scarce expert assessments and more complex "
            "family circumstances."
        ),
        "consequences": (
            "Children wait longer for permanence, or decisions are made on incomplete "
            "assessments of their parents."
        ),
        "owner_name": "Rachel Foley",
        "owner_role": "Head of Service, Children in Care",
        "lead_agency": "Dudley MBC Children's Services",
        "partner_agencies": [
            "Cafcass",
            "Dudley MBC Legal Services",
            "Dudley and Walsall Mental Health Partnership NHS Trust",
        ],
        "priority": "Vulnerable Children & Young People's Task Group",
        "target_in_days": 200,
        "assessments": [
            {
                "kind": "inherent",
                "l": 4,
                "i": 4,
                "days_ago": 230,
                "rationale": (
                    "The 26-week limit leaves little room to complete complex parenting and "
                    "expert assessments."
                ),
                "meeting": None,
            },
            {
                "kind": "current",
                "l": 3,
                "i": 4,
                "days_ago": 230,
                "rationale": (
                    "Care proceedings average 34 weeks; delay in adult mental health "
                    "assessments is the main cause."
                ),
                "meeting": None,
            },
            {
                "kind": "target",
                "l": 2,
                "i": 4,
                "days_ago": 230,
                "rationale": (
                    "Reachable once pre-proceedings work under the Public Law Outline is "
                    "consistently front-loaded."
                ),
                "meeting": None,
            },
            {
                "kind": "current",
                "l": 3,
                "i": 3,
                "days_ago": 110,
                "rationale": (
                    "Average duration is down to 28 weeks and the LGA peer review found care "
                    "planning improving, though complex cases still overrun."
                ),
                "meeting": "m2",
            },
        ],
        "controls": [
            {
                "description": "Weekly legal gateway panel tracking every case in pre-proceedings",
                "owner": "Legal Services Manager",
                "assurance_source": "Court tracking data",
                "effectiveness": "effective",
            },
            {
                "description": "Local Family Justice Board protocol on expert assessments",
                "owner": "Rachel Foley",
                "assurance_source": "Local Family Justice Board performance report",
                "effectiveness": "partly_effective",
            },
        ],
        "actions": [
            {
                "description": "Audit the quality of pre-proceedings letters and parenting "
                "assessments",
                "owner": "Quality Assurance Officer",
                "due_in_days": 60,
                "status": "in_progress",
                "completed_days_ago": None,
            },
            {
                "description": "Agree priority adult mental health assessments for parents in "
                "proceedings",
                "owner": "Rachel Foley",
                "due_in_days": -90,
                "status": "complete",
                "completed_days_ago": 95,
            },
        ],
    },
    {
        "section": "SG",
        "title": "Inconsistent child protection planning and review",
        "statement": (
            "Lack of consistency in respect of child protection planning and review evidenced "
            "through quality assurance activity and case reviews."
        ),
        "causes": (
            "Plans without clear outcomes, irregular core groups and variable agency "
            "attendance at conferences."
        ),
        "consequences": (
            "Children stay on plans without their needs being met, or plans end before the "
            "risk to them has reduced."
        ),
        "owner_name": "Helen Marsh",
        "owner_role": "Head of Safeguarding and Review Service",
        "lead_agency": "Dudley MBC Children's Services",
        "partner_agencies": [
            "West Midlands Police",
            "Dudley Group NHS Foundation Trust",
            "Dudley CCG",
            "Schools and academies",
        ],
        "priority": "Quality & Performance Management Group",
        "target_in_days": -15,
        "assessments": [
            {
                "kind": "inherent",
                "l": 4,
                "i": 5,
                "days_ago": 260,
                "rationale": (
                    "Unco-ordinated planning is a recurring finding in serious case reviews "
                    "where children died or were seriously harmed."
                ),
                "meeting": None,
            },
            {
                "kind": "current",
                "l": 4,
                "i": 4,
                "days_ago": 260,
                "rationale": (
                    "Multi-agency case audits found plans lacking measurable outcomes and core "
                    "groups not meeting regularly."
                ),
                "meeting": None,
            },
            {
                "kind": "target",
                "l": 2,
                "i": 4,
                "days_ago": 260,
                "rationale": (
                    "Reachable once the inter-agency child protection standards are embedded "
                    "and re-audit shows consistent practice."
                ),
                "meeting": None,
            },
            {
                "kind": "current",
                "l": 3,
                "i": 4,
                "days_ago": 200,
                "rationale": (
                    "New inter-agency child protection standards and Signs of Safety "
                    "conferences launched; early audits show clearer outcomes."
                ),
                "meeting": "m1",
            },
        ],
        "controls": [
            {
                "description": "Conference chairs quality assure every plan against the "
                "Inter-agency Child Protection Standards",
                "owner": "Helen Marsh",
                "assurance_source": "Conference chair quality assurance reports",
                "effectiveness": "partly_effective",
            },
            {
                "description": "Quarterly multi-agency case audit programme",
                "owner": "Quality Assurance Officer",
                "assurance_source": "Multi-agency case audit",
                "effectiveness": "effective",
            },
            {
                "description": "Learning briefings for frontline practitioners",
                "owner": "DSCB Training Co-ordinator",
                "assurance_source": "Serious case review learning",
                "effectiveness": "not_yet_known",
            },
        ],
        "actions": [
            {
                "description": "Re-audit core group attendance and plan outcomes against the "
                "standards",
                "owner": "Quality Assurance Officer",
                "due_in_days": -5,
                "status": "not_started",
                "completed_days_ago": None,
            },
            {
                "description": "Introduce the Signs of Safety format for review conferences",
                "owner": "Helen Marsh",
                "due_in_days": -170,
                "status": "complete",
                "completed_days_ago": 180,
            },
        ],
    },
    {
        "section": "SG",
        "title": "Emergency inhalers in schools for children with asthma",
        "statement": (
            "Potential for increased risks to children who suffer from asthma as a result of "
            "legal changes with regards to the provision of emergency inhalers."
        ),
        "causes": (
            "Schools may now hold spare emergency inhalers, but need a policy, parental consent "
            "and trained staff to use them safely."
        ),
        "consequences": (
            "A child having a severe asthma attack at school may go untreated or be given an "
            "inhaler without consent or the right dose."
        ),
        "owner_name": "Claire Beddow",
        "owner_role": "Lead Nurse, School Health Service",
        "lead_agency": "Dudley Group NHS Foundation Trust",
        "partner_agencies": [
            "Dudley MBC Public Health",
            "Dudley CCG",
            "Schools and academies",
        ],
        "priority": "Vulnerable Children & Young People's Task Group",
        "target_in_days": 120,
        "assessments": [
            {
                "kind": "inherent",
                "l": 3,
                "i": 4,
                "days_ago": 180,
                "rationale": (
                    "Without policies, consent and trained staff, a child's asthma attack at "
                    "school could go untreated."
                ),
                "meeting": None,
            },
            {
                "kind": "current",
                "l": 2,
                "i": 4,
                "days_ago": 180,
                "rationale": (
                    "Model guidance issued, but only a minority of schools have confirmed an "
                    "emergency inhaler policy and asthma register."
                ),
                "meeting": None,
            },
            {
                "kind": "target",
                "l": 1,
                "i": 4,
                "days_ago": 180,
                "rationale": "Rare once every school holds a register, consent and a trained lead.",
                "meeting": None,
            },
            {
                "kind": "current",
                "l": 1,
                "i": 4,
                "days_ago": 4,
                "rationale": (
                    "School nursing survey: 92% of schools have a policy, register and trained "
                    "staff; no serious incidents reported."
                ),
                "meeting": None,
            },
        ],
        "controls": [
            {
                "description": "Model emergency inhaler policy and asthma register for schools",
                "owner": "Claire Beddow",
                "assurance_source": "Schools survey",
                "effectiveness": "effective",
            },
            {
                "description": "Asthma awareness training for school staff by school nurses",
                "owner": "School Nursing Team Leader",
                "assurance_source": "Training records",
                "effectiveness": "effective",
            },
        ],
        "actions": [
            {
                "description": "Follow up schools yet to confirm an emergency inhaler policy",
                "owner": "Claire Beddow",
                "due_in_days": 45,
                "status": "in_progress",
                "completed_days_ago": None,
            },
            {
                "description": "Survey all schools on emergency inhaler arrangements",
                "owner": "School Nursing Team Leader",
                "due_in_days": -10,
                "status": "complete",
                "completed_days_ago": 12,
            },
        ],
    },
    {
        "section": "BR",
        "title": "Capacity to deliver the business plan and work programme",
        "statement": (
            "Capacity to deliver key priorities and improvements identified within business "
            "plan and work programme."
        ),
        "causes": (
            "A small business unit, temporary funding for key posts and partners' attendance at "
            "sub-groups squeezed by their own pressures."
        ),
        "consequences": (
            "Audits, training and case reviews slip, so the Board cannot show that children "
            "in Dudley are safe."
        ),
        "owner_name": "Karen Yates",
        "owner_role": "DSCB Business Manager",
        "lead_agency": "DSCB Business Unit",
        "partner_agencies": [
            "Dudley MBC Children's Services",
            "West Midlands Police",
            "Dudley CCG",
            "Dudley Group NHS Foundation Trust",
        ],
        "priority": "Business Planning Group",
        "target_in_days": 150,
        "assessments": [
            {
                "kind": "inherent",
                "l": 4,
                "i": 4,
                "days_ago": 220,
                "rationale": (
                    "Without secure funding and active sub-groups the quality assurance and "
                    "training the Board must deliver would stall."
                ),
                "meeting": None,
            },
            {
                "kind": "current",
                "l": 3,
                "i": 4,
                "days_ago": 220,
                "rationale": (
                    "The work programme is on track, but the Quality Assurance Officer post "
                    "relies on temporary funding."
                ),
                "meeting": None,
            },
            {
                "kind": "target",
                "l": 2,
                "i": 3,
                "days_ago": 220,
                "rationale": (
                    "Reachable with two-year partner contributions and a streamlined sub-group "
                    "structure."
                ),
                "meeting": None,
            },
            {
                "kind": "current",
                "l": 4,
                "i": 4,
                "days_ago": 110,
                "rationale": (
                    "Temporary funding for the Quality Assurance Officer ends this quarter and "
                    "two sub-groups missed meetings, delaying the audit programme."
                ),
                "meeting": "m2",
            },
            {
                "kind": "current",
                "l": 3,
                "i": 4,
                "days_ago": 20,
                "rationale": (
                    "Partners agreed contributions funding the Quality Assurance Officer for a "
                    "further year; the audit programme is back on schedule."
                ),
                "meeting": "m3",
            },
        ],
        "controls": [
            {
                "description": "Business plan with a quarterly progress report to the Board",
                "owner": "Karen Yates",
                "assurance_source": "Business plan progress report",
                "effectiveness": "effective",
            },
            {
                "description": "Partner funding agreement reviewed annually by the Board",
                "owner": "Independent Chair",
                "assurance_source": "Board budget report",
                "effectiveness": "partly_effective",
            },
        ],
        "actions": [
            {
                "description": "Complete the review of Board structure and membership",
                "owner": "Independent Chair",
                "due_in_days": -30,
                "status": "in_progress",
                "completed_days_ago": None,
            },
            {
                "description": "Secure partner contributions for the Quality Assurance Officer",
                "owner": "Karen Yates",
                "due_in_days": -25,
                "status": "complete",
                "completed_days_ago": 22,
            },
        ],
    },
    {
        "section": "BR",
        "title": "Loss of 24-hour health rapid response to unexpected child deaths",
        "statement": (
            "The loss of 24 hour rapid response cover within health for unexpected child deaths."
        ),
        "causes": (
            "The health rapid response service has lost its out-of-hours cover and no "
            "replacement has been commissioned."
        ),
        "consequences": (
            "Families get no timely support after a child's unexpected death, and evidence or "
            "risks to siblings may be missed."
        ),
        "owner_name": "Dr Tom Ashworth",
        "owner_role": "Designated Paediatrician for Unexpected Child Deaths",
        "lead_agency": "Dudley CCG",
        "partner_agencies": [
            "Dudley Group NHS Foundation Trust",
            "West Midlands Police",
            "Dudley MBC Children's Services",
        ],
        "priority": "Child Death Overview Panel",
        "target_in_days": 180,
        "assessments": [
            {
                "kind": "inherent",
                "l": 5,
                "i": 4,
                "days_ago": 8,
                "rationale": (
                    "Without a health rapid response no unexpected death would get a timely "
                    "joint home visit, history and family support."
                ),
                "meeting": None,
            },
            {
                "kind": "current",
                "l": 4,
                "i": 4,
                "days_ago": 8,
                "rationale": (
                    "Cover is office hours only; out-of-hours deaths rely on the on-call "
                    "paediatrician and police, so some joint visits will be missed."
                ),
                "meeting": None,
            },
            {
                "kind": "target",
                "l": 2,
                "i": 4,
                "days_ago": 8,
                "rationale": "Reachable once a 24-hour rota is commissioned across the area.",
                "meeting": None,
            },
        ],
        "controls": [
            {
                "description": "Interim protocol: on-call paediatrician attends out-of-hours "
                "unexpected deaths with police",
                "owner": "Dr Tom Ashworth",
                "assurance_source": "CDOP rapid response log",
                "effectiveness": "not_yet_known",
            },
            {
                "description": "CDOP review of every unexpected death, including the response",
                "owner": "CDOP Chair",
                "assurance_source": "CDOP annual report",
                "effectiveness": "effective",
            },
        ],
        "actions": [
            {
                "description": "Commission 24-hour rapid response cover with neighbouring CCGs",
                "owner": "Chief Nurse, Dudley CCG",
                "due_in_days": 90,
                "status": "not_started",
                "completed_days_ago": None,
            },
            {
                "description": "Brief the emergency department and police on the interim protocol",
                "owner": "Dr Tom Ashworth",
                "due_in_days": 7,
                "status": "in_progress",
                "completed_days_ago": None,
            },
        ],
    },
    {
        "section": "BR",
        "title": "Late distribution of child protection conference minutes",
        "statement": "The lack of timely distribution of child protection conference minutes.",
        "causes": (
            "Minute-taker vacancies, paper-based distribution and no agreed standard for "
            "timeliness."
        ),
        "consequences": (
            "Core groups work without the agreed plan and parents are unclear what is "
            "expected of them, so children's plans drift."
        ),
        "owner_name": "Mark Procter",
        "owner_role": "Safeguarding and Review Service Manager",
        "lead_agency": "Dudley MBC Children's Services",
        "partner_agencies": [
            "West Midlands Police",
            "Dudley Group NHS Foundation Trust",
            "Schools and academies",
        ],
        "priority": "Quality & Performance Management Group",
        "target_in_days": 90,
        "assessments": [
            {
                "kind": "inherent",
                "l": 4,
                "i": 3,
                "days_ago": 210,
                "rationale": (
                    "Without minutes, agencies act on memory of the conference and actions "
                    "for the child are missed."
                ),
                "meeting": None,
            },
            {
                "kind": "current",
                "l": 3,
                "i": 3,
                "days_ago": 210,
                "rationale": (
                    "Performance data set: 60% of minutes distributed within 20 working days "
                    "against a standard of 90%."
                ),
                "meeting": None,
            },
            {
                "kind": "target",
                "l": 1,
                "i": 3,
                "days_ago": 210,
                "rationale": "Reachable with a full minute-taking team and same-day outline plans.",
                "meeting": None,
            },
            {
                "kind": "current",
                "l": 4,
                "i": 3,
                "days_ago": 200,
                "rationale": "Two minute-taker vacancies; timeliness fell to 45% last quarter.",
                "meeting": "m1",
            },
            {
                "kind": "current",
                "l": 3,
                "i": 3,
                "days_ago": 110,
                "rationale": "Vacancies filled and backlog cleared; 70% of minutes now on time.",
                "meeting": "m2",
            },
            {
                "kind": "current",
                "l": 2,
                "i": 3,
                "days_ago": 20,
                "rationale": (
                    "Outline plans are issued at the end of every conference and 88% of "
                    "minutes are distributed within 20 working days."
                ),
                "meeting": "m3",
            },
        ],
        "controls": [
            {
                "description": "Outline plan given to the family and agencies at every conference",
                "owner": "Conference chairs",
                "assurance_source": "Conference chair quality assurance reports",
                "effectiveness": "effective",
            },
            {
                "description": "Monthly report on the timeliness of minute distribution",
                "owner": "Mark Procter",
                "assurance_source": "Performance data set",
                "effectiveness": "effective",
            },
            {
                "description": "Distribution of minutes to partner agencies by secure email",
                "owner": "Business Support Manager",
                "assurance_source": "Agency feedback survey",
                "effectiveness": "partly_effective",
            },
        ],
        "actions": [
            {
                "description": "Move all partner agencies to secure electronic distribution",
                "owner": "Business Support Manager",
                "due_in_days": 40,
                "status": "in_progress",
                "completed_days_ago": None,
            },
            {
                "description": "Recruit to two minute-taker vacancies",
                "owner": "Mark Procter",
                "due_in_days": -120,
                "status": "complete",
                "completed_days_ago": 130,
            },
        ],
    },
]

# The assurance map: each control's assurance updates, oldest first, by its description (a
# control not listed is not yet assessed). "line" 1-3; "days_ago" is the date of the assurance.
ASSURANCE = {
    "Multi-agency threshold document and MASH screening of all contacts": [
        {"line": 1, "level": "reasonable", "days_ago": 290, "control_gaps": "",
         "assurance_gaps": "Screening data comes from Children's Services alone"},
        {"line": 2, "level": "limited", "days_ago": 45,
         "control_gaps": "Police and health contacts are not all screened within 24 hours",
         "assurance_gaps": "No independent scrutiny of the MASH since 2012"},
    ],
    "Monthly caseload and vacancy report to the Quality & Performance Management Group": [
        {"line": 2, "level": "substantial", "days_ago": 60, "control_gaps": "",
         "assurance_gaps": ""},
    ],
    "Section 11 audit of every partner agency with challenge sessions": [
        {"line": 2, "level": "reasonable", "days_ago": 200, "control_gaps": "",
         "assurance_gaps": "Section 11 audit returns from 3 of 5 agencies"},
    ],
    "CCG safeguarding assurance framework for commissioned providers": [
        {"line": 1, "level": "reasonable", "days_ago": 120,
         "control_gaps": "Providers commissioned outside Dudley are not covered",
         "assurance_gaps": ""},
    ],
    "Monthly monitoring of police attendance at strategy meetings": [
        {"line": 1, "level": "reasonable", "days_ago": 280, "control_gaps": "",
         "assurance_gaps": "Attendance figures are reported by the police alone"},
        {"line": 2, "level": "limited", "days_ago": 30,
         "control_gaps": "Police attend 61% of strategy meetings against a target of 95%",
         "assurance_gaps": "Figures not yet checked against strategy meeting minutes"},
    ],
    "Weekly legal gateway panel tracking every case in pre-proceedings": [
        {"line": 3, "level": "substantial", "days_ago": 95, "control_gaps": "",
         "assurance_gaps": ""},
    ],
    "Conference chairs quality assure every plan against the Inter-agency Child Protection "
    "Standards": [
        {"line": 2, "level": "reasonable", "days_ago": 75,
         "control_gaps": "Core group attendance is not checked against the plan",
         "assurance_gaps": "Chairs' reports cover 4 plans in 10"},
    ],
    "Quarterly multi-agency case audit programme": [
        {"line": 2, "level": "reasonable", "days_ago": 100, "control_gaps": "",
         "assurance_gaps": "Schools and GPs rarely take part in the audits"},
    ],
    "Model emergency inhaler policy and asthma register for schools": [
        {"line": 1, "level": "reasonable", "days_ago": 180, "control_gaps": "",
         "assurance_gaps": "Survey answered by 48 of 102 schools"},
    ],
    "Asthma awareness training for school staff by school nurses": [
        {"line": 1, "level": "substantial", "days_ago": 210, "control_gaps": "",
         "assurance_gaps": ""},
    ],
    "Business plan with a quarterly progress report to the Board": [
        {"line": 2, "level": "substantial", "days_ago": 20, "control_gaps": "",
         "assurance_gaps": ""},
    ],
    "Partner funding agreement reviewed annually by the Board": [
        {"line": 3, "level": "reasonable", "days_ago": 330,
         "control_gaps": "Contributions are agreed a year at a time",
         "assurance_gaps": ""},
    ],
    "Interim protocol: on-call paediatrician attends out-of-hours unexpected deaths with police": [
        {"line": 1, "level": "none", "days_ago": 40,
         "control_gaps": "Out-of-hours cover rests on one paediatrician's goodwill",
         "assurance_gaps": "No record is kept of out-of-hours attendance"},
    ],
    "CDOP review of every unexpected death, including the response": [
        {"line": 2, "level": "substantial", "days_ago": 250, "control_gaps": "",
         "assurance_gaps": ""},
    ],
    "Monthly report on the timeliness of minute distribution": [
        {"line": 1, "level": "reasonable", "days_ago": 25, "control_gaps": "",
         "assurance_gaps": "Timeliness is self-reported by the minute-takers"},
    ],
    "Distribution of minutes to partner agencies by secure email": [
        {"line": 1, "level": "limited", "days_ago": 210,
         "control_gaps": "Five GP practices still receive minutes by post",
         "assurance_gaps": ""},
        {"line": 1, "level": "reasonable", "days_ago": 15,
         "control_gaps": "Two GP practices still receive minutes by post",
         "assurance_gaps": ""},
    ],
}  # fmt: skip


# The board's decisions on some of the risks ("meeting": the key of the meeting that took it,
# or None for the chair's action ``days_ago``; ``look_again_in_days`` counts from today, and a
# negative one has passed, so that risk's decision shows as due for review).
DECISIONS = [
    {
        "title": "Emergency inhalers in schools for children with asthma",
        "treatment": "tolerate",
        "meeting": "m3",
        "look_again_in_days": 115,
        "reason": (
            "The likelihood is judged low since the schools' guidance on emergency inhalers: "
            "the Board tolerates the risk until the next annual review."
        ),
    },
    {
        "title": "Capacity to deliver the business plan and work programme",
        "treatment": "treat",
        "meeting": "m2",
        "look_again_in_days": 60,
        "reason": (
            "The Business Unit's recruitment and the partners' contributions to the Quality "
            "Assurance Officer post should bring the score down by the spring."
        ),
    },
    {
        "title": "Loss of 24-hour health rapid response to unexpected child deaths",
        "treatment": "transfer",
        "meeting": "m3",
        "transfer_agency": "Dudley CCG",
        "look_again_in_days": None,
        "reason": (
            "Commissioning the rapid response service is the health commissioners' "
            "responsibility; the CCG reports its progress to each Board meeting."
        ),
    },
    {
        "title": "Family Justice Review timescales in care proceedings",
        "treatment": "treat",
        "meeting": None,
        "days_ago": 70,
        "look_again_in_days": -10,
        "reason": (
            "The Chair agreed with the local authority and Cafcass to keep the tracking of "
            "care proceedings against the 26-week timescale, reviewed after the first quarter."
        ),
    },
]
