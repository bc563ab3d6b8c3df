import { EMAIL, HTTP_URL, LANGUAGE_PATTERN, slugProblem } from './show-rules.ts';
import type { Show } from './shows.api.ts';

/** The show form's values: strings for inputs; '' stands for "not set" (null in the API). */
export interface ShowFormValues {
  title: string;
  slug: string;
  description: string;
  author: string;
  ownerName: string;
  ownerEmail: string;
  language: string;
  itunesCategory: string;
  itunesType: 'episodic' | 'serial';
  explicit: boolean;
  websiteUrl: string;
  imageUrl: string;
  copyright: string;
  listPremiumTeasers: boolean;
}

export const emptyShowValues: ShowFormValues = {
  title: '',
  slug: '',
  description: '',
  author: '',
  ownerName: '',
  ownerEmail: '',
  language: 'en',
  itunesCategory: '',
  itunesType: 'episodic',
  explicit: false,
  websiteUrl: '',
  imageUrl: '',
  copyright: '',
  listPremiumTeasers: false,
};

export function showValues(show: Show): ShowFormValues {
  return {
    title: show.title,
    slug: show.slug,
    description: show.description,
    author: show.author,
    ownerName: show.ownerName ?? '',
    ownerEmail: show.ownerEmail ?? '',
    language: show.language,
    itunesCategory: show.itunesCategory ?? '',
    itunesType: show.itunesType ?? 'episodic',
    explicit: show.explicit,
    websiteUrl: show.websiteUrl ?? '',
    imageUrl: show.imageUrl ?? '',
    copyright: show.copyright ?? '',
    listPremiumTeasers: show.listPremiumTeasers,
  };
}

const orNull = (value: string) => (value.trim() ? value.trim() : null);

/**
 * The API body. Fields the running media service does not describe yet (`supports`: the keys of a
 * show it answered) are left out, so an older media never sees an unknown property (a 400).
 */
export function showBody(values: ShowFormValues, supports?: object): Record<string, unknown> {
  const body: Record<string, unknown> = {
    title: values.title.trim(),
    slug: values.slug,
    description: values.description,
    author: values.author.trim(),
    ownerName: orNull(values.ownerName),
    ownerEmail: orNull(values.ownerEmail),
    language: values.language.trim(),
    itunesCategory: orNull(values.itunesCategory),
    itunesType: values.itunesType,
    explicit: values.explicit,
    websiteUrl: orNull(values.websiteUrl),
    imageUrl: orNull(values.imageUrl),
    copyright: orNull(values.copyright),
    listPremiumTeasers: values.listPremiumTeasers,
  };
  if (supports) for (const key of Object.keys(body)) if (!(key in supports)) delete body[key];
  return body;
}

/** Checks shown inline, before anything is sent (the API checks the same and answers 400). */
export const showValidation = {
  title: (value: string) => (value.trim() ? null : 'Give the show a title'),
  slug: slugProblem,
  language: (value: string) =>
    LANGUAGE_PATTERN.test(value.trim()) ? null : 'A language code such as en, de or pt-BR',
  ownerEmail: (value: string) => (!value.trim() || EMAIL.test(value.trim()) ? null : 'Not an e-mail address'),
  websiteUrl: (value: string) =>
    !value.trim() || HTTP_URL.test(value.trim()) ? null : 'An address starting with https://',
  imageUrl: (value: string) =>
    !value.trim() || HTTP_URL.test(value.trim()) ? null : 'An address starting with https://',
};

/** The API's 409 on a show write is a taken slug: its message goes on the slug field. */
export const SLUG_CONFLICT = { 409: 'slug' } as const;
