import type { Episode } from './episodes.api.ts';

/** The episode form's values (numbers as numbers or '' for "not set", as NumberInput gives them). */
export interface EpisodeFormValues {
  title: string;
  description: string;
  seasonNumber: number | string;
  episodeNumber: number | string;
  episodeType: Episode['episodeType'];
  visibility: Episode['visibility'];
  explicit: 'inherit' | 'yes' | 'no';
  /** '' or "YYYY-MM-DD HH:mm:ss" (local time, as DateTimePicker gives it). */
  earlyAccessUntil: string;
}

export const emptyEpisodeValues: EpisodeFormValues = {
  title: '',
  description: '',
  seasonNumber: '',
  episodeNumber: '',
  episodeType: 'full',
  visibility: 'premium',
  explicit: 'inherit',
  earlyAccessUntil: '',
};

const pad = (n: number) => String(n).padStart(2, '0');

/** An ISO instant → DateTimePicker's local "YYYY-MM-DD HH:mm:ss". */
export function toPickerValue(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:00`;
}

/** DateTimePicker's local value → an ISO instant (the API's date-time). */
export function fromPickerValue(value: string): string | null {
  if (!value) return null;
  const date = new Date(value.replace(' ', 'T'));
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

export function episodeValues(episode: Episode): EpisodeFormValues {
  return {
    title: episode.title,
    description: episode.description,
    seasonNumber: episode.seasonNumber ?? '',
    episodeNumber: episode.episodeNumber ?? '',
    episodeType: episode.episodeType,
    visibility: episode.visibility,
    explicit: episode.explicit === null ? 'inherit' : episode.explicit ? 'yes' : 'no',
    earlyAccessUntil: toPickerValue(episode.earlyAccessUntil),
  };
}

const numberOrNull = (value: number | string) => (typeof value === 'number' ? value : null);

export function episodeBody(values: EpisodeFormValues) {
  return {
    title: values.title.trim(),
    description: values.description,
    seasonNumber: numberOrNull(values.seasonNumber),
    episodeNumber: numberOrNull(values.episodeNumber),
    episodeType: values.episodeType,
    visibility: values.visibility,
    explicit: values.explicit === 'inherit' ? null : values.explicit === 'yes',
    earlyAccessUntil: values.visibility === 'premium' ? fromPickerValue(values.earlyAccessUntil) : null,
  };
}

export const episodeValidation = {
  title: (value: string) => (value.trim() ? null : 'Give the episode a title'),
};
