"""Generated from ontology/koko.ttl by koko.graph.nsgen — do not edit.

Regenerate with ``python -m koko.graph.nsgen``.
"""

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef

__all__ = ["KOKO"]


class KOKO(DefinedNamespace):
    """
    KoKo ontology: municipal coordination of education offers for newly arrived migrants

    Version 1.0.0 of https://w3id.org/koko-kg/ontology
    """

    _NS = Namespace("https://w3id.org/koko-kg/ontology#")
    _fail = True

    # Classes (owl:Class)
    AdministrativeUnit: URIRef  # administrative unit
    Answer: URIRef  # answer
    Award: URIRef  # award
    Brochure: URIRef  # brochure
    BrochureSection: URIRef  # brochure section
    ChapterIntroduction: URIRef  # chapter introduction
    ConsultantPost: URIRef  # municipal advisory service post
    CoordinatorPost: URIRef  # education coordination post
    DistrictFreeCity: URIRef  # district-free city
    Event: URIRef  # event
    Evidence: URIRef  # evidence
    FederalState: URIRef  # federal state
    Foreword: URIRef  # foreword
    FundingPeriod: URIRef  # funding period
    FundingProgramme: URIRef  # funding programme
    Initiative: URIRef  # programme or initiative
    Municipality: URIRef  # municipality
    Network: URIRef  # network
    PartnerOrganisation: URIRef  # partner organisation
    Place: URIRef  # place
    Product: URIRef  # product
    Project: URIRef  # project
    Question: URIRef  # question
    QuestionCatalogue: URIRef  # question catalogue
    Role: URIRef  # role
    RuralDistrict: URIRef  # rural district
    Site: URIRef  # site
    SiteProfile: URIRef  # site profile
    StateChapter: URIRef  # state chapter
    Summary: URIRef  # summary

    # Properties (owl:ObjectProperty, owl:DatatypeProperty)
    aboutState: URIRef  # about state
    adapted: URIRef  # adapted
    answer: URIRef  # has answer
    answerOf: URIRef  # answer of
    approximate: URIRef  # approximate
    audience: URIRef  # audience
    chapter: URIRef  # printed in chapter
    colleagueRole: URIRef  # colleague role
    contributedTo: URIRef  # contributed to
    coordinatorPost: URIRef  # has education coordination post
    edtf: URIRef  # date as written (EDTF)
    exhibitorCount: URIRef  # number of exhibitors
    federalState: URIRef  # in federal state
    figure: URIRef  # figure
    firstLine: URIRef  # first line
    fundingPeriod: URIRef  # has funding period
    inFundingPeriod: URIRef  # in funding period
    initiated: URIRef  # initiated
    introduction: URIRef  # has introduction
    involves: URIRef  # involves
    kreisschluessel: URIRef  # district key
    landesschluessel: URIRef  # state key
    lastLine: URIRef  # last line
    level: URIRef  # level
    listedSite: URIRef  # listed site
    madePermanent: URIRef  # made permanent
    measure: URIRef  # measure
    memberOf: URIRef  # member of
    monitoredBy: URIRef  # scientifically monitored by
    motto: URIRef  # site motto
    municipality: URIRef  # participating municipality
    municipalityKind: URIRef  # kind of local authority
    organised: URIRef  # organised
    participantCount: URIRef  # number of participants
    participatesIn: URIRef  # participates in
    participation: URIRef  # participation
    partner: URIRef  # partner
    periodEnd: URIRef  # end year
    periodOrdinal: URIRef  # funding period number
    periodStart: URIRef  # start year
    plans: URIRef  # plans
    position: URIRef  # position
    postForSite: URIRef  # post for site
    presentInState: URIRef  # present in state
    printedName: URIRef  # printed name
    printedQuestion: URIRef  # printed question
    prizeMoney: URIRef  # prize money
    produced: URIRef  # produced
    productType: URIRef  # product type
    profile: URIRef  # has site profile
    programme: URIRef  # in programme
    programmeStart: URIRef  # programme start
    question: URIRef  # answered question
    questionCount: URIRef  # number of questions
    questionsPerSite: URIRef  # questions per site
    received: URIRef  # received
    registrationCount: URIRef  # number of registrations
    runs: URIRef  # runs
    scope: URIRef  # scope
    sha256: URIRef  # SHA-256 digest
    site: URIRef  # has site
    siteCount: URIRef  # number of sites
    staffMovedOn: URIRef  # staff moved on
    status: URIRef  # status
    supportedBy: URIRef  # supported by
    text: URIRef  # full text
    unitKind: URIRef  # unit kind
    unitLevel: URIRef  # unit level
    validUntil: URIRef  # valid until
    visitorCount: URIRef  # number of visitors
