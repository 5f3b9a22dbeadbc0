import { primarySubtag } from './language.js';

/** The fixed words a rendered notice adds around the author's texts: headings, salutations, link lines. */
export interface NoticeLabels {
  whatHappened: string;
  possibleImpact: string;
  measuresTaken: string;
  selfProtection: string;
  remedialMeasures: string;
  contactPoint: string;
  /** `{name}` is the affected person. */
  greeting: string;
  greetingNoName: string;
  /** A minor's notice goes to the guardian; `{name}` is the minor. */
  toGuardianOf: string;
  /** Used for `{{name}}` when the subject's name is unknown. */
  unnamedPerson: string;
  readFullNotice: string;
  reference: string;
  date: string;
}

const EN: NoticeLabels = {
  whatHappened: 'What happened',
  possibleImpact: 'Possible consequences for you',
  measuresTaken: 'What we have done and will do',
  selfProtection: 'What you can do to protect yourself',
  remedialMeasures: 'What we offer you',
  contactPoint: 'Contact',
  greeting: 'Dear {name},',
  greetingNoName: 'Dear Sir or Madam,',
  toGuardianOf: 'To the parent or guardian of {name}',
  unnamedPerson: 'customer',
  readFullNotice: 'Read the full notice',
  reference: 'Reference',
  date: 'Date',
};

/** Built-in for these languages (by primary subtag); any other language gets the English words. */
export const NOTICE_LABELS: Record<string, NoticeLabels> = {
  en: EN,
  de: {
    whatHappened: 'Was ist passiert',
    possibleImpact: 'Mögliche Folgen für Sie',
    measuresTaken: 'Was wir unternommen haben und unternehmen werden',
    selfProtection: 'Was Sie selbst tun können',
    remedialMeasures: 'Was wir Ihnen anbieten',
    contactPoint: 'Kontakt',
    greeting: 'Guten Tag {name},',
    greetingNoName: 'Sehr geehrte Damen und Herren,',
    toGuardianOf: 'An die Erziehungsberechtigten von {name}',
    unnamedPerson: 'Kundin, Kunde',
    readFullNotice: 'Vollständige Mitteilung lesen',
    reference: 'Zeichen',
    date: 'Datum',
  },
  fr: {
    whatHappened: 'Ce qui s’est passé',
    possibleImpact: 'Conséquences possibles pour vous',
    measuresTaken: 'Les mesures que nous avons prises et allons prendre',
    selfProtection: 'Ce que vous pouvez faire pour vous protéger',
    remedialMeasures: 'Ce que nous vous proposons',
    contactPoint: 'Contact',
    greeting: 'Bonjour {name},',
    greetingNoName: 'Madame, Monsieur,',
    toGuardianOf: 'Aux parents ou au tuteur légal de {name}',
    unnamedPerson: 'client',
    readFullNotice: 'Lire l’avis complet',
    reference: 'Référence',
    date: 'Date',
  },
  es: {
    whatHappened: 'Qué ha ocurrido',
    possibleImpact: 'Posibles consecuencias para usted',
    measuresTaken: 'Qué hemos hecho y qué haremos',
    selfProtection: 'Qué puede hacer para protegerse',
    remedialMeasures: 'Qué le ofrecemos',
    contactPoint: 'Contacto',
    greeting: 'Estimado/a {name}:',
    greetingNoName: 'Estimado/a cliente:',
    toGuardianOf: 'A los padres o tutores legales de {name}',
    unnamedPerson: 'cliente',
    readFullNotice: 'Lea el aviso completo',
    reference: 'Referencia',
    date: 'Fecha',
  },
  it: {
    whatHappened: 'Che cosa è successo',
    possibleImpact: 'Possibili conseguenze per Lei',
    measuresTaken: 'Che cosa abbiamo fatto e faremo',
    selfProtection: 'Che cosa può fare per proteggersi',
    remedialMeasures: 'Che cosa Le offriamo',
    contactPoint: 'Contatti',
    greeting: 'Gentile {name},',
    greetingNoName: 'Gentile cliente,',
    toGuardianOf: 'Ai genitori o al tutore legale di {name}',
    unnamedPerson: 'cliente',
    readFullNotice: 'Leggi la comunicazione completa',
    reference: 'Riferimento',
    date: 'Data',
  },
  nl: {
    whatHappened: 'Wat is er gebeurd',
    possibleImpact: 'Mogelijke gevolgen voor u',
    measuresTaken: 'Wat wij hebben gedaan en nog gaan doen',
    selfProtection: 'Wat u zelf kunt doen',
    remedialMeasures: 'Wat wij u aanbieden',
    contactPoint: 'Contact',
    greeting: 'Beste {name},',
    greetingNoName: 'Geachte heer, mevrouw,',
    toGuardianOf: 'Aan de ouder(s) of voogd van {name}',
    unnamedPerson: 'klant',
    readFullNotice: 'Lees de volledige kennisgeving',
    reference: 'Kenmerk',
    date: 'Datum',
  },
};

export function noticeLabels(language: string): NoticeLabels {
  return NOTICE_LABELS[primarySubtag(language)] ?? EN;
}
