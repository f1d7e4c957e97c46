"""Generated from ontology/koko.ttl by koko.nsgen — do not edit.

Regenerate with ``python -m koko.nsgen``.
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
    Brochure: URIRef  # brochure
    BrochureSection: URIRef  # brochure section
    ChapterIntroduction: URIRef  # chapter introduction
    ConsultantPost: URIRef  # consultant post
    CoordinatorPost: URIRef  # education coordinator post
    DistrictFreeCity: URIRef  # district-free city
    Event: URIRef  # event
    FederalState: URIRef  # federal state
    Foreword: URIRef  # foreword
    FundingPeriod: URIRef  # funding period
    FundingProgramme: URIRef  # funding programme
    Municipality: URIRef  # municipality
    Network: URIRef  # network
    PartnerOrganisation: URIRef  # partner organisation
    Product: URIRef  # product
    Project: URIRef  # project
    Question: URIRef  # question
    QuestionCatalogue: URIRef  # question catalogue
    RuralDistrict: URIRef  # rural district
    Site: URIRef  # site
    SiteProfile: URIRef  # site profile
    StateChapter: URIRef  # state chapter
    Summary: URIRef  # summary

    # Properties (owl:ObjectProperty, owl:DatatypeProperty)
    aboutState: URIRef  # about state
    answer: URIRef  # has answer
    answerOf: URIRef  # answer of
    chapter: URIRef  # printed in chapter
    coordinatorPost: URIRef  # has coordinator post
    federalState: URIRef  # in federal state
    firstLine: URIRef  # first line
    fundingPeriod: URIRef  # has funding period
    introduction: URIRef  # has introduction
    kreisschluessel: URIRef  # district key
    landesschluessel: URIRef  # state key
    lastLine: URIRef  # last line
    listedSite: URIRef  # listed site
    monitoredBy: URIRef  # scientifically monitored by
    motto: URIRef  # site motto
    municipality: URIRef  # participating municipality
    participation: URIRef  # participation
    periodEnd: URIRef  # end year
    periodOrdinal: URIRef  # period number
    periodStart: URIRef  # start year
    position: URIRef  # position
    postForSite: URIRef  # post for site
    printedName: URIRef  # printed name
    printedQuestion: URIRef  # printed question
    profile: URIRef  # has site profile
    programme: URIRef  # in programme
    programmeStart: URIRef  # programme start
    question: URIRef  # answered question
    questionCount: URIRef  # number of questions
    questionsPerSite: URIRef  # questions per site
    sha256: URIRef  # SHA-256 digest
    site: URIRef  # has site
    siteCount: URIRef  # number of sites
    supportedBy: URIRef  # supported by
    text: URIRef  # full text
    validUntil: URIRef  # valid until
    withinUnit: URIRef  # within unit
