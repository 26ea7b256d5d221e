import { createContext, useContext } from 'react';
import { DEFAULT_CONFIG, type ConsoleConfig } from './config';

export const ConfigContext = createContext<ConsoleConfig>(DEFAULT_CONFIG);

export function useConfig(): ConsoleConfig {
  return useContext(ConfigContext);
}
