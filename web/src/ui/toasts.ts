import { useSyncExternalStore } from 'react';

/** Short-lived notices (an action failed, a device was signed out), announced politely. */
export interface Toast {
  id: number;
  text: string;
}

let toasts: Toast[] = [];
let nextId = 1;
const listeners = new Set<() => void>();
const emit = () => {
  for (const l of listeners) l();
};

export function showToast(text: string, ms = 6000): void {
  const toast = { id: nextId++, text };
  toasts = [...toasts.slice(-3), toast];
  emit();
  setTimeout(() => dismissToast(toast.id), ms);
}

export function dismissToast(id: number): void {
  if (!toasts.some((t) => t.id === id)) return;
  toasts = toasts.filter((t) => t.id !== id);
  emit();
}

const subscribe = (l: () => void) => {
  listeners.add(l);
  return () => listeners.delete(l);
};
export const getToasts = (): Toast[] => toasts;
const get = getToasts;

export function useToasts(): Toast[] {
  return useSyncExternalStore(subscribe, get, get);
}
